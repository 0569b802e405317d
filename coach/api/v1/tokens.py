"""``/api/v1/tokens``: create (shown once), list and revoke API tokens."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from coach.api.v1.context import V1
from coach.api.v1.errors import CoachRoute
from coach.services import tokens
from coach.services.tokens import NewToken, TokenRecord


class TokenRequest(BaseModel):
    """A token to create: a name to recognise it by, and (admins) whose it is."""

    name: str = Field(default="", max_length=120)
    user: str | None = Field(default=None, description="Admins: make it for this user.")


def build(v1: V1) -> APIRouter:
    """The tokens router."""
    router = APIRouter(prefix="/tokens", tags=["tokens"], route_class=CoachRoute)
    Caller = Annotated[str, Depends(v1.caller)]

    @router.get("")
    def list_tokens(
        actor: Caller,
        user: Annotated[str | None, Query(description="Admins: this user's tokens.")] = None,
        everyone: Annotated[bool, Query(alias="all", description="Admins: every token.")] = False,
    ) -> list[TokenRecord]:
        """Your API tokens, newest first (never their secrets)."""
        return tokens.list_tokens(v1.runtime, actor=actor, username=user, everyone=everyone)

    @router.post("", status_code=201)
    def create_token(body: TokenRequest, actor: Caller) -> NewToken:
        """Create a token; its text is in this answer only, so keep it now."""
        return tokens.create_token(v1.runtime, actor=actor, username=body.user, name=body.name)

    @router.delete("/{token_id}")
    def revoke_token(token_id: int, actor: Caller) -> TokenRecord:
        """Revoke a token (yours; admins: anyone's); it stops working at once."""
        return tokens.revoke_token(v1.runtime, actor=actor, token_id=token_id)

    return router
