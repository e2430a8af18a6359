"""The operations centre (IOC): one community's figures and live feed, read from every other noun."""
