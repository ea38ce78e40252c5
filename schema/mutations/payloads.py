"""Field descriptions that every mutation payload and input shares."""

from __future__ import annotations

EFFECTIVE_AT = "Business time, for backfilling history (admins only); default now."
USER_ERRORS = "Expected failures; when any, nothing was recorded."
POSITION = "Log position of the last event recorded (pass it as consistentWith)."
