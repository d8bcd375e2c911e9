"""An authenticator app for the tests: RFC 6238 codes from a key, as a phone would show them."""

import time
from base64 import b32decode

from django_otp.oath import hotp

STEP = 30


class AuthenticatorApp:
    """Show codes for a key, never the same one twice (the site accepts each code once).

    The site also accepts the next step's code, so two codes are at hand in any 30 seconds;
    a third waits for the clock.
    """

    def __init__(self, key: bytes):
        self.key = key
        self.last_step = -1

    @classmethod
    def from_text(cls, text: str) -> "AuthenticatorApp":
        return cls(b32decode("".join(text.split()).upper()))

    def code(self) -> str:
        step = max(int(time.time()) // STEP, self.last_step + 1)
        while step > int(time.time()) // STEP + 1:
            time.sleep(0.2)
        self.last_step = step
        return f"{hotp(self.key, step, digits=6):06d}"

    def wrong_code(self) -> str:
        """A code that no step near now would accept."""
        now = int(time.time()) // STEP
        near = {f"{hotp(self.key, step, digits=6):06d}" for step in range(now - 2, now + 3)}
        return next(code for code in ("000000", "111111", "222222") if code not in near)
