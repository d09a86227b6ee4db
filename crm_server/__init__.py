"""crm-server: the HQ sync server that the desktop clients push to and pull from."""

__version__ = "0.1.0"
APP_NAME = "crm-server"
