"""Notices (公告): from the property office to households, with read receipts."""
