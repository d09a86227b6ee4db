"""PyInstaller hook for phonenumbers, replacing the contributed one for this app.

The contributed hook takes every submodule (48 MB). crm-desktop only parses,
validates and formats numbers: it needs the per-region metadata modules
(``phonenumbers.data.*``, ``shortdata.*``, loaded by name at run time), not the
place names, carriers and time zones (geocoder, carrier, timezone: 45 MB).
"""

from PyInstaller.utils.hooks import collect_submodules

UNUSED = ("geocoder", "geodata", "carrier", "carrierdata", "timezone", "tzdata")

hiddenimports = collect_submodules(
    "phonenumbers",
    filter=lambda name: (
        not any(
            name == f"phonenumbers.{part}" or name.startswith(f"phonenumbers.{part}.")
            for part in UNUSED
        )
    ),
)
