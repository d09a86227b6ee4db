"""crm-desktop: an offline-first desktop CRM over an encrypted local store."""

__version__ = "0.1.0"
APP_NAME = "crm-desktop"
