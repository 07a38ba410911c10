"""The canonical event schema: defined once, used by every reader, writer and the API.

See docs/schema.md for the meaning of each column.
"""

from __future__ import annotations

import pyarrow as pa

COLUMNS: tuple[str, ...] = (
    "event_id", "date", "time", "date_precision",
    "actor", "actor_raw", "actor_side", "target", "target_raw", "target_side",
    "event", "mode", "country", "admin1", "location", "latitude", "longitude", "geo_precision",
    "killed", "wounded", "actor_killed", "target_killed", "civilians_killed",
    "source_dataset", "source_id", "source_url", "evidence", "confidence",
)  # fmt: skip

INT_COLUMNS = ("killed", "wounded", "actor_killed", "target_killed", "civilians_killed")
FLOAT_COLUMNS = ("latitude", "longitude", "confidence")
SMALLINT_COLUMNS = ("geo_precision",)

ARROW_SCHEMA = pa.schema(
    [
        pa.field("event_id", pa.string(), nullable=False),
        pa.field("date", pa.date32(), nullable=False),
        pa.field("time", pa.string()),
        pa.field("date_precision", pa.string(), nullable=False),
        pa.field("actor", pa.string()),
        pa.field("actor_raw", pa.string()),
        pa.field("actor_side", pa.string()),
        pa.field("target", pa.string()),
        pa.field("target_raw", pa.string()),
        pa.field("target_side", pa.string()),
        pa.field("event", pa.string(), nullable=False),
        pa.field("mode", pa.string()),
        pa.field("country", pa.string()),
        pa.field("admin1", pa.string()),
        pa.field("location", pa.string()),
        pa.field("latitude", pa.float64()),
        pa.field("longitude", pa.float64()),
        pa.field("geo_precision", pa.int16()),
        pa.field("killed", pa.int32()),
        pa.field("wounded", pa.int32()),
        pa.field("actor_killed", pa.int32()),
        pa.field("target_killed", pa.int32()),
        pa.field("civilians_killed", pa.int32()),
        pa.field("source_dataset", pa.string(), nullable=False),
        pa.field("source_id", pa.string()),
        pa.field("source_url", pa.string()),
        pa.field("evidence", pa.string()),
        pa.field("confidence", pa.float64()),
    ]
)
assert tuple(ARROW_SCHEMA.names) == COLUMNS

# PLOVER event types (PLOVER 2021 manual, plus the older GSR codes DEMAND/DISAPPROVE/INVESTIGATE).
PLOVER_EVENTS: frozenset[str] = frozenset(
    """AGREE CONSULT SUPPORT CONCEDE COOPERATE AID RETREAT REQUEST ACCUSE REJECT THREATEN
    PROTEST SANCTION MOBILIZE COERCE ASSAULT FIGHT DEMAND DISAPPROVE INVESTIGATE""".split()
)
# Event types that count as violence (an "attack" or "action" in the analysis).
VIOLENT_EVENTS: frozenset[str] = frozenset({"ASSAULT", "FIGHT", "COERCE"})

MODES: frozenset[str] = frozenset(
    """air_strike drone_strike rocket mortar artillery missile ied suicide_bomb car_bomb
    small_arms grenade armed_clash raid arson kidnapping show_of_force shelling landmine
    melee property_destruction arrest protest_repression other""".split()
)
DATE_PRECISIONS: tuple[str, ...] = ("time", "day", "week", "month", "year", "unknown")

# Columns whose values are free text; the rest are typed or from a vocabulary.
TEXT_COLUMNS = (
    "actor", "actor_raw", "actor_side", "target", "target_raw", "target_side", "admin1",
    "location", "source_dataset", "source_id", "source_url", "evidence",
)  # fmt: skip


def empty_table() -> pa.Table:
    return ARROW_SCHEMA.empty_table()
