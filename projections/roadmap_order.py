"""The priority order of the roadmap read model: ranked rows, versioned in business time.

One row per (roadmap, initiative) while the initiative is on the roadmap, valid over
[valid_from, valid_to) like every versioned row (see ``projections.temporal``), with a
numeric ``rank``: the position at an instant is the order of rank among the rows valid
then. Placing or moving an initiative computes a rank between its new neighbours' (the
exact midpoint, or one beyond either end), so a move closes ONE row and opens one — the
others keep their rows and ranks, and every past order stays readable as it was.

Midpoints get one decimal longer each time the same gap is split; when a new rank gets
longer than ``RANK_SCALE_LIMIT`` decimals, the roadmap's ranks are renumbered in place,
past rows included, by one order-preserving function (``dense_rank``), so that the order
at every instant is unchanged.
"""

from __future__ import annotations

from projections.temporal import versioned_change

RANK_SCALE_LIMIT = 24
"""Renumber a roadmap's ranks when a new one has more decimals than this."""

PLACEMENT_COLUMNS = ("workspace_id", "rank")


# $1 roadmap, $2 initiative, $3 at, $4 position (1-based), $5 workspace, $6 the event's log
# position. The new rank lies between the ranks now at positions $4 - 1 and $4 (one more or
# one less at either end).
# An initiative is placed once, when proposed; a command that places one again after a
# removal at the same instant would meet its empty row [at, at) here and must reopen it.
PLACE_INITIATIVE = """
    WITH neighbours AS (
        SELECT
            CASE WHEN $4::int > 1 THEN (
                SELECT rank FROM {schema}.placements
                WHERE roadmap_id = $1 AND valid_to = 'infinity'
                ORDER BY rank OFFSET $4::int - 2 LIMIT 1
            ) END AS above,
            (
                SELECT rank FROM {schema}.placements
                WHERE roadmap_id = $1 AND valid_to = 'infinity'
                ORDER BY rank OFFSET $4::int - 1 LIMIT 1
            ) AS below
    )
    INSERT INTO {schema}.placements (
        roadmap_id, initiative_id, valid_from, workspace_id, rank, opened_position
    )
    SELECT $1, $2, $3, $5, CASE
        WHEN above IS NULL AND below IS NULL THEN 1
        WHEN above IS NULL THEN below - 1
        WHEN below IS NULL THEN above + 1
        ELSE (above + below) * 0.5
    END, $6
    FROM neighbours
"""

# $1 roadmap, $2 initiative, $3 at, $4 to_position, $5 log position: the neighbours are those
# of the order without the initiative that moves.
MOVE_INITIATIVE = versioned_change(
    "placements",
    ("$1", "$2"),
    "$3",
    PLACEMENT_COLUMNS,
    {"rank": "(SELECT new_rank FROM moved)"},
    position="$5",
    prelude="""neighbours AS (
        SELECT
            CASE WHEN $4::int > 1 THEN (
                SELECT rank FROM {schema}.placements
                WHERE roadmap_id = $1 AND valid_to = 'infinity' AND initiative_id <> $2
                ORDER BY rank OFFSET $4::int - 2 LIMIT 1
            ) END AS above,
            (
                SELECT rank FROM {schema}.placements
                WHERE roadmap_id = $1 AND valid_to = 'infinity' AND initiative_id <> $2
                ORDER BY rank OFFSET $4::int - 1 LIMIT 1
            ) AS below
    ), moved AS (
        SELECT CASE
            WHEN above IS NULL AND below IS NULL THEN 1
            WHEN above IS NULL THEN below - 1
            WHEN below IS NULL THEN above + 1
            ELSE (above + below) * 0.5
        END AS new_rank
        FROM neighbours
    )""",
)

# Renumbering maps every rank of the roadmap, past versions included, through one
# order-preserving function (dense_rank), so the order at every instant is unchanged.
RENUMBER_IF_LONG = f"""
    UPDATE {{schema}}.placements AS p SET rank = r.renumbered
    FROM (
        SELECT initiative_id, valid_from, dense_rank() OVER (ORDER BY rank) AS renumbered
        FROM {{schema}}.placements WHERE roadmap_id = $1
    ) AS r
    WHERE p.roadmap_id = $1 AND p.initiative_id = r.initiative_id
      AND p.valid_from = r.valid_from
      AND EXISTS (
          SELECT 1 FROM {{schema}}.placements
          WHERE roadmap_id = $1 AND initiative_id = $2 AND valid_to = 'infinity'
            AND scale(rank) > {RANK_SCALE_LIMIT}
      )
"""

# An initiative placed and removed at the same instant keeps an empty row; the "last
# version starting at or before t" is then one that ended at t already: not on the roadmap.
REMOVE_INITIATIVE = """
    UPDATE {schema}.placements SET valid_to = $3, closed_position = $4
    WHERE roadmap_id = $1 AND initiative_id = $2 AND valid_to = 'infinity'
"""
