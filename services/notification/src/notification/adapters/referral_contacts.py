"""Asks the referral service how to reach a person, at the moment of sending, through its internal API."""

from uuid import UUID

import aiohttp
from pydantic import BaseModel, ConfigDict, ValidationError

from notification.domain.contacts import ContactUnavailableError, PersonContact


class _ContactAnswer(BaseModel):
    model_config = ConfigDict(extra="ignore")

    person_id: UUID
    phone: str | None = None
    email: str | None = None
    contact_preference: str


class ReferralContactClient:
    def __init__(
        self, session: aiohttp.ClientSession, base_url: str, service_token: str, *, timeout_seconds: float
    ) -> None:
        self._session = session
        self._base_url = base_url.rstrip("/")
        self._headers = {"Authorization": f"Bearer {service_token}", "Accept": "application/json"}
        self._timeout = aiohttp.ClientTimeout(total=timeout_seconds)

    async def contact_of(self, person_id: UUID, purpose: str) -> PersonContact:
        """`purpose` is a code the referral service records with the read, e.g. `sms.session_reminder`."""
        url = f"{self._base_url}/internal/persons/{person_id}/contact"
        try:
            async with self._session.get(
                url, params={"purpose": purpose}, headers=self._headers, timeout=self._timeout
            ) as response:
                if response.status == 404:
                    raise ContactUnavailableError(
                        f"the referral service knows no person {person_id}", permanent=True
                    )
                if response.status in {401, 403, 422}:
                    raise ContactUnavailableError(
                        f"the referral service refused the request ({response.status})", permanent=True
                    )
                if response.status != 200:
                    raise ContactUnavailableError(
                        f"the referral service answered {response.status}", permanent=False
                    )
                answer = _ContactAnswer.model_validate_json(await response.read())
        except TimeoutError:
            raise ContactUnavailableError(
                "the referral service did not answer in time", permanent=False
            ) from None
        except aiohttp.ClientError as error:
            raise ContactUnavailableError(
                f"could not reach the referral service: {type(error).__name__}", permanent=False
            ) from None
        except ValidationError:
            # Raised without the validation details: they would quote the contact details received.
            raise ContactUnavailableError(
                "the referral service's answer was not a contact", permanent=False
            ) from None
        return PersonContact(
            person_id=answer.person_id,
            contact_preference=answer.contact_preference,
            phone=answer.phone,
            email=answer.email,
        )
