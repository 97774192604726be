# schemathesis hooks for `npm run fuzz:api` (scripts/fuzz-api.ts), loaded through
# SCHEMATHESIS_HOOKS. POST /api/intake/mail takes message/rfc822, a media type
# schemathesis cannot make from a schema: these strategies give it bytes to send,
# both arbitrary bytes (the desk must store even those) and small mails with
# fuzzed headers and bodies.
import schemathesis
from hypothesis import strategies as st

# Text without lone surrogates, which have no UTF-8 form at all.
TEXT = st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=200)


def _mail(subject: str, sender: str, body: str, charset: str) -> bytes:
    head = f"From: {sender}\r\nTo: support@desk.test\r\nSubject: {subject}\r\nContent-Type: text/plain; charset={charset}\r\n\r\n"
    return head.encode("utf-8") + body.encode("utf-8")


MAILS = st.builds(_mail, TEXT, st.one_of(st.emails(), TEXT), TEXT, st.sampled_from(["utf-8", "iso-2022-jp", "shift_jis", "x-unknown"]))

schemathesis.openapi.media_type("message/rfc822", st.one_of(MAILS, st.binary(min_size=1, max_size=4096)))
