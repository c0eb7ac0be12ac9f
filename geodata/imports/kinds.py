"""The two kinds of import file, and the kind of a stored batch.

``values`` (:mod:`geodata.imports.value_format`) and ``register``
(:mod:`geodata.imports.village_format`): each a :class:`~geodata.imports.formats.Format`.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from geodata.imports.formats import Format
from geodata.imports.value_format import VALUES
from geodata.imports.village_format import REGISTER

#: Kind → format.
FORMATS: dict[str, Format] = {fmt.kind: fmt for fmt in (VALUES, REGISTER)}
#: The kinds of import file: ``values`` and ``register``.
KINDS = tuple(FORMATS)


def format_for(kind: str) -> Format:
    """Return the format of a kind of file.

    Parameters
    ----------
    kind : str
        ``values`` or ``register``.

    Returns
    -------
    Format
        Its columns and pieces.

    Raises
    ------
    ValueError
        On any other kind.
    """
    try:
        return FORMATS[kind]
    except KeyError:
        raise ValueError(f"unknown kind of import {kind!r}; one of {', '.join(KINDS)}") from None


def format_of_batch(session: Session, batch_id: int) -> Format:
    """Return the format that wrote a stored batch (values own what no other format claims).

    Parameters
    ----------
    session : sqlalchemy.orm.Session
        An open session.
    batch_id : int
        A stored batch.

    Returns
    -------
    Format
        The format whose ``undo`` rolls it back.
    """
    for fmt in FORMATS.values():
        if fmt.owns is not None and fmt.owns(session, batch_id):
            return fmt
    return next(fmt for fmt in FORMATS.values() if fmt.owns is None)
