"""Request and response models of accounts and favorites."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from matchday.api.schemas import UtcDateTime
from matchday.store.keys import MAX_ID


class RegisterIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    email: str = Field(max_length=254)
    username: str = Field(min_length=3, max_length=40)
    password: str = Field(min_length=1, max_length=128)


class UserOut(BaseModel):
    id: int
    email: str
    username: str
    is_active: bool
    is_premium: bool
    created_at: UtcDateTime


class MeOut(UserOut):
    full_name: str | None = None
    timezone: str
    language: str
    role: Literal["user", "admin"]
    email_verified: bool
    reminders_enabled: bool = Field(description="Email reminders before a prediction round's first kick-off.")


class TokensOut(BaseModel):
    access_token: str
    refresh_token: str
    token_type: Literal["bearer"] = "bearer"


class RefreshIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    refresh_token: str = Field(min_length=1, max_length=2000)


class ProfileIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    full_name: str | None = Field(None, max_length=200)
    # absent: unchanged; never null (a user always has a time zone and a language)
    timezone: str = Field(None, min_length=1, max_length=64, description="An IANA time zone, Europe/Berlin.")
    language: str = Field(None, min_length=2, max_length=16, pattern=r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})?$")
    reminders_enabled: bool = Field(None, description="Email reminders before a prediction round's first kick-off "
                                                      "(opt out with false).")


class PasswordIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    current_password: str = Field(min_length=1, max_length=128)
    new_password: str = Field(min_length=1, max_length=128)


class ResetRequestIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    email: str = Field(min_length=1, max_length=254)


class ResetIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    token: str = Field(min_length=1, max_length=200, description="The token of the emailed link.")
    new_password: str = Field(min_length=1, max_length=128)


class VerifyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    token: str = Field(min_length=1, max_length=200, description="The token of the emailed link.")


class AcceptedOut(BaseModel):
    detail: str


class SessionOut(BaseModel):
    id: str
    created_at: UtcDateTime
    last_used_at: UtcDateTime
    expires_at: UtcDateTime
    user_agent: str | None = None
    client_address: str | None = None
    current: bool


class FavoriteIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    entity_type: str = Field(description="team or league", max_length=20)
    entity_id: int = Field(ge=1, le=MAX_ID)
    notification_enabled: bool = True


class FavoritePatch(BaseModel):
    model_config = ConfigDict(extra="forbid")
    notification_enabled: bool


class FavoriteOut(BaseModel):
    id: int
    team_id: int | None = None
    league_id: int | None = None
    name: str
    notification_enabled: bool
    added_at: UtcDateTime


class FavoritesOut(BaseModel):
    teams: list[FavoriteOut]
    leagues: list[FavoriteOut]


NotificationKind = Literal["kickoff", "goal", "red_card", "final_score"]


class NotificationSettingsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kinds: list[NotificationKind] = Field(max_length=4, description="the events of favourite teams and leagues to "
                                          "be told of; an empty list: none")


class PushSubscriptionOut(BaseModel):
    id: int
    endpoint: str
    created_at: UtcDateTime
    last_sent_at: UtcDateTime | None = None


class NotificationSettingsOut(BaseModel):
    kinds: list[NotificationKind]
    available: list[NotificationKind]
    push_public_key: str | None = Field(description="the server's VAPID public key (base64url): the "
                                        "applicationServerKey of PushManager.subscribe(); null: Web Push is off")
    push_subscriptions: list[PushSubscriptionOut]


class PushKeysIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    p256dh: str = Field(min_length=80, max_length=100, pattern=r"^[A-Za-z0-9_-]+=*$",
                        description="the browser's P-256 public key, base64url (65 bytes)")
    auth: str = Field(min_length=16, max_length=32, pattern=r"^[A-Za-z0-9_-]+=*$",
                      description="the subscription's authentication secret, base64url (16 bytes)")


class PushSubscriptionIn(BaseModel):
    """``PushSubscription.toJSON()`` as the browser gives it."""

    model_config = ConfigDict(extra="forbid")
    endpoint: str = Field(min_length=10, max_length=2048)
    expirationTime: float | None = None  # noqa: N815 - the browser's name
    keys: PushKeysIn


class PushPublicKeyOut(BaseModel):
    public_key: str | None = Field(description="the VAPID public key (base64url); null: Web Push is off")
