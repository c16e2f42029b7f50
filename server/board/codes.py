"""Join codes, teacher secrets, hashed keys and the nickname check."""

from __future__ import annotations

import hashlib
import secrets
import unicodedata

# Crockford's base32: digits and letters without I, L, O, U (no 1/I/L, 0/O confusion, no accidental words).
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 8  # 8 × 5 bits = 40 bits
CODE_LOOK_ALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})
NICKNAME_MAX_CHARS = 12_000  # a 10 kB name comes back whole; longer is refused (nickname_problem says 12,000)


# --- Codes and secrets ---------------------------------------------------------------------


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalize_code(typed: str) -> str | None:
    """A typed or linked code in canonical form ('abcd-efgh ' → 'ABCDEFGH'), or None if it cannot be one."""
    if not isinstance(typed, str) or len(typed) > 4 * CODE_LENGTH:
        return None
    code = "".join(ch for ch in typed.upper() if ch not in " -_\t").translate(CODE_LOOK_ALIKES)
    if len(code) != CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in code):
        return None
    return code


def format_code(code: str) -> str:
    half = len(code) // 2
    return f"{code[:half]}-{code[half:]}"


def secret_hash(secret: str) -> str:
    """SHA-256 of a secret: 192 random bits need no slow hash, and the store never holds the secret."""
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def session_key(session_id: str) -> str:
    """A session id as stored (hashed: the database never holds a live session id)."""
    return hashlib.sha256(f"nnlib-board:{session_id}".encode()).hexdigest()


def address_key(address: str | None) -> str | None:
    """A client address as stored (hashed, like session ids); None when the page could not tell."""
    return None if not address else hashlib.sha256(f"nnlib-address:{address}".encode()).hexdigest()


# Characters that turn the text around them backwards or hide it (Unicode's bidirectional controls).
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
ZERO_WIDTH_JOINER = "\u200d"


def _joins_emoji(text: str, index: int) -> bool:
    """A zero-width joiner inside an emoji sequence (👩‍🏫): a symbol or modifier before it, a symbol after."""
    before, after = text[index - 1 : index], text[index + 1 : index + 2]
    return (
        bool(before and after)
        and unicodedata.category(before) in ("So", "Sk", "Mn")
        and unicodedata.category(after) == "So"
    )


def nickname_problem(nickname: str) -> str | None:
    """Why a nickname is refused, or None. Any visible text is kept exactly; control, format
    (zero-width, invisible) and direction-override characters are not visible text."""
    if not isinstance(nickname, str) or not nickname.strip():
        return "the nickname is empty"
    if len(nickname) > NICKNAME_MAX_CHARS:
        return "the nickname is longer than 12,000 characters"
    if any(ch in BIDI_CONTROLS for ch in nickname):
        return "the nickname holds characters that reverse the direction of text"
    for index, ch in enumerate(nickname):
        category = unicodedata.category(ch)
        if category in ("Cc", "Cs", "Zl", "Zp"):
            return "the nickname holds control characters"
        if category == "Cf" and not (ch == ZERO_WIDTH_JOINER and _joins_emoji(nickname, index)):
            return "the nickname holds invisible characters"
    return None
