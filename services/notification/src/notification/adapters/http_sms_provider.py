"""Sends an SMS by posting JSON to the provider's HTTP API: `{"to", "text", "sender"}` with a bearer token."""

import aiohttp

from notification.domain.contacts import SmsNotSentError, SmsTooLongError
from notification.domain.sms_length import sms_length


class HttpSmsProvider:
    def __init__(
        self,
        session: aiohttp.ClientSession,
        url: str,
        api_token: str,
        *,
        sender_name: str,
        max_segments: int,
        timeout_seconds: float,
    ) -> None:
        self._session = session
        self._url = url
        self._headers = {"Authorization": f"Bearer {api_token}"}
        self._sender_name = sender_name
        self.max_segments = max_segments
        self._timeout = aiohttp.ClientTimeout(total=timeout_seconds)

    async def send(self, phone_number: str, text: str) -> None:
        segments = sms_length(text).segments
        if segments > self.max_segments:
            raise SmsTooLongError(segments, self.max_segments)
        payload = {"to": phone_number, "text": text, "sender": self._sender_name}
        # Failures never quote the provider's answer: providers echo the number back.
        try:
            async with self._session.post(
                self._url, json=payload, headers=self._headers, timeout=self._timeout
            ) as response:
                if 200 <= response.status < 300:
                    return
                retryable = response.status == 429 or response.status >= 500
                raise SmsNotSentError(f"the SMS provider answered {response.status}", permanent=not retryable)
        except TimeoutError:
            raise SmsNotSentError("the SMS provider did not answer in time", permanent=False) from None
        except aiohttp.ClientError as error:
            raise SmsNotSentError(
                f"could not reach the SMS provider: {type(error).__name__}", permanent=False
            ) from None
