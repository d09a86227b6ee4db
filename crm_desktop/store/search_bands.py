"""Where search documents live: the FTS table and each entity's band of rowids.

Apart from `search_index` (the write hooks) so that searching needs no ORM.
Each entity's documents live in their own band of rowids, so a search
restricted to one entity is a rowid range that FTS5 applies inside its index.
"""

FTS_TABLE = "search_fts"
BAND_BITS = 40
ENTITY_BANDS = {"contact": 1, "company": 2}


def rowid_range(entity: str) -> tuple[int, int]:
    """The (first, last) rowid a search document of `entity` can have."""
    band = ENTITY_BANDS[entity]
    return band << BAND_BITS, ((band + 1) << BAND_BITS) - 1
