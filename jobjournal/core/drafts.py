"""Acting on an item from the agenda: the person's phone as a `tel:` link and their email as a
`mailto:` link carrying a short, ready-to-send draft for that kind of item (README, "The agenda").

Pure: an item and the user's name in, text out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote

from jobjournal.core.model import Item, Kind

#: Line breaks in a mailto body, as RFC 6068 asks (`%0D%0A` once encoded).
_CRLF = "\r\n"


@dataclass(frozen=True)
class Draft:
    """An email's subject and body (lines joined by CRLF)."""

    subject: str
    body: str


def _one_line(text: str | None) -> str:
    return " ".join((text or "").split())


def _position(item: Item) -> str:
    """"the Backend role at Acme", with what the note gives."""
    role, company = _one_line(item.role), _one_line(item.company)
    if role and company:
        return f"the {role} role at {company}"
    if role:
        return f"the {role} role"
    return f"the role at {company}" if company else "the role"


def _subject_position(item: Item) -> str:
    """"Backend at Acme", or what there is of it."""
    role, company = _one_line(item.role), _one_line(item.company)
    return " at ".join(part for part in (role, company) if part)


def _with(prefix: str, item: Item) -> str:
    position = _subject_position(item)
    return f"{prefix}: {position}" if position else prefix


def _greeting(item: Item) -> str:
    first = _one_line(item.contact).split()
    return f"Hi {first[0]}," if first else "Hello,"


def draft_for(item: Item, me: str) -> Draft:
    """The email draft for an item, signed with `me` (the config's `[me] name`)."""
    position = _position(item)
    kind = item.kind
    if kind in (Kind.DECISION_FOLLOW_UP, Kind.MOVE_ON):
        subject = _with("Following up", item)
        text = (f"I wanted to follow up on my interview for {position}. "
                "Could you tell me where things stand with the decision?")
    elif kind is Kind.ASK_NEW_DATE:
        subject = _with("Following up", item)
        text = (f"Thank you for the update on {position}. "
                "Do you know by when a decision is now expected?")
    elif kind is Kind.ASK_DECISION_DATE:
        subject = _with("Next steps", item)
        text = (f"Thank you again for the interview for {position}. "
                "When do you expect to make a decision, and how many candidates are you "
                "considering?")
    elif kind is Kind.THANK_YOU:
        subject = "Thank you for your time"
        text = (f"Thank you for your time today and for telling me more about {position}. "
                "I enjoyed our conversation and look forward to hearing from you.")
    elif kind is Kind.THANK_REFERRER:
        subject = "Thank you for the referral"
        text = (f"Thank you so much for referring me for {position}. "
                "I really appreciate it, and I will let you know how it goes.")
    elif kind is Kind.APPLICATION_FOLLOW_UP:
        subject = _with("My application", item)
        text = (f"I recently applied for {position} and wanted to say that I am still very "
                "interested. Is there anything else I can send you?")
    elif kind is Kind.CALL_BACK:
        subject = "Sorry I missed your call"
        text = "Sorry I missed your call. When would be a good time to call you back?"
    elif kind is Kind.GATHER_INFO:
        subject = _with("Before our interview", item)
        text = ("Before our interview, could you tell me a little more: the company, the "
                "position and whom I will be meeting?")
    elif kind is Kind.OFFER_DEADLINE:
        subject = _with("Your offer", item)
        text = f"Thank you again for the offer for {position}. I wanted to get back to you."
    elif kind is Kind.APPOINTMENT:
        subject = _with("Our meeting", item)
        text = (f"I am looking forward to our conversation on {item.due.isoformat()}"
                + (f" at {item.at:%H:%M}" if item.at is not None else "") + ".")
    elif kind is Kind.STAY_IN_TOUCH:
        subject = "Catching up"
        text = "It has been a while: how are things going? I would love to catch up."
    elif kind is Kind.FOLLOW_UP:
        subject = _with("Following up", item)
        text = f"I wanted to follow up about {position}. How are things going on your side?"
    else:  # a task is what you do, not what you write: a subject naming the position, no text
        subject = f"About {position}"
        text = ""
    lines = [_greeting(item), ""]
    if text:
        lines += [text, ""]
    lines += ["Best regards,"] + ([_one_line(me)] if me.strip() else [])
    return Draft(_one_line(subject), _CRLF.join(lines))


def mailto(email: str, draft: Draft) -> str:
    """A `mailto:` URI (RFC 6068) for `email` with the draft's subject and body, every character
    that is not unreserved percent-encoded (a space is `%20`, never `+`)."""
    return (f"mailto:{quote(email.strip(), safe='@+')}"
            f"?subject={quote(draft.subject, safe='')}&body={quote(draft.body, safe='')}")


#: A phone number's first run of digits, with the spaces, dots, dashes, brackets and slashes
#: (`030/123456`) between them; a slash between spaces separates two numbers.
_NUMBER = re.compile(r"\+?\(?\d(?:[\d\s().-]|/(?=\d))*")
#: An extension written after the number: `x12`, `ext 12`, `ext. 12`, `extension 12`.
_EXTENSION = re.compile(r"\s*(?:x|ext\.?|extension)\s*(\d+)", re.IGNORECASE)


def tel(phone: str) -> str | None:
    """A `tel:` URI (RFC 3966) for a phone number as people write it (`+1 555 0142` →
    `tel:+15550142`): the digits of its first number, after a leading `+`, and an extension
    written after it (`x12`, `ext. 12`) as `;ext=12`; None when it has no digit. A second number
    (`+1 555 0142 / +1 555 0199`) is left out rather than run into the first."""
    number = _NUMBER.search(phone)
    if number is None:
        return None
    digits = re.sub(r"\D", "", number.group())
    extension = _EXTENSION.match(phone, number.end())
    more = f";ext={extension.group(1)}" if extension else ""
    return f"tel:{'+' if number.group().startswith('+') else ''}{digits}{more}"
