"""Authorization: every resolver asks for the role it needs, in one line."""

from __future__ import annotations

from backend.tokens import Principal, Role
from schema.context import Info
from schema.errors import FORBIDDEN, UNAUTHENTICATED, coded_error


def require(info: Info, role: Role = Role.VIEWER) -> Principal:
    """The caller, if their token has at least ``role``; a coded error otherwise."""
    principal = info.context.principal
    if principal is None:
        raise coded_error(UNAUTHENTICATED, "a valid bearer token is required")
    if not principal.role.allows(role):
        raise coded_error(FORBIDDEN, not_allowed(principal, role))
    return principal


def not_allowed(principal: Principal, role: Role) -> str:
    """Why a token may not do what needs ``role``, in the API's words."""
    return f"a {principal.role.value} token may not do this; {role.value} is needed"
