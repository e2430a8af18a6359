"""Parking: lots, spaces and their sensors, residents' cars, visitors' passes, gate records."""
