"""Bonus questions (champion, top scorer, or any question) with their own points, answered before a deadline;
the owner sets the right answer and matching answers (case and spaces aside) earn the points. Answers lock at the
question's deadline or its resolution, whichever comes first (409 ``BONUS_LOCKED``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select, update

from matchday.accounts.schema import bonus_answers, bonus_questions
from matchday.accounts.users import User, utcnow
from matchday.errors import Conflict, Forbidden, NotFound
from matchday.pools.leagues import Access


def create(conn: Connection, acc: Access, kind: str, question: str, points: int, deadline: datetime) -> dict:
    acc.require_owner()
    qid = conn.execute(insert(bonus_questions).values(
        prediction_league_id=acc.league["id"], kind=kind, question=question, points=points, deadline=deadline,
        created_at=utcnow())).inserted_primary_key[0]
    return get(conn, acc, qid, None)


def _question(conn: Connection, acc: Access, question_id: int, lock: bool = False) -> Any:
    query = select(bonus_questions).where(
        bonus_questions.c.id == question_id, bonus_questions.c.prediction_league_id == acc.league["id"])
    row = conn.execute(query.with_for_update() if lock else query).first()
    if row is None:
        raise NotFound(f"no bonus question {question_id}")
    return row


def get(conn: Connection, acc: Access, question_id: int, user: User | None) -> dict[str, Any]:
    row = _question(conn, acc, question_id)
    mine = None
    if user is not None:
        mine = conn.execute(select(bonus_answers.c.answer).where(bonus_answers.c.question_id == question_id,
                                                                 bonus_answers.c.user_id == user.id)).scalar()
    return {"id": row.id, "kind": row.kind, "question": row.question, "points": row.points, "deadline": row.deadline,
            "correct_answer": row.correct_answer, "my_answer": mine}


def list_all(conn: Connection, acc: Access, user: User | None) -> list[dict[str, Any]]:
    ids = conn.execute(select(bonus_questions.c.id).where(bonus_questions.c.prediction_league_id == acc.league["id"])
                       .order_by(bonus_questions.c.deadline, bonus_questions.c.id)).scalars()
    return [get(conn, acc, qid, user) for qid in ids]


def answer(conn: Connection, acc: Access, user: User, question_id: int, text: str,
           now: datetime | None = None) -> dict[str, Any]:
    if not acc.is_member:
        raise Forbidden("only members answer")
    row = _question(conn, acc, question_id, lock=True)  # a resolution committing meanwhile waits, or is seen
    if row.correct_answer is not None:
        raise Conflict(f"bonus question {question_id} is resolved: its answers are locked", "BONUS_LOCKED")
    if (now or utcnow()) >= row.deadline:
        raise Conflict(f"bonus question {question_id} closed at its deadline", "BONUS_LOCKED")
    done = conn.execute(update(bonus_answers).where(bonus_answers.c.question_id == question_id,
                                                    bonus_answers.c.user_id == user.id)
                        .values(answer=text, answered_at=utcnow())).rowcount
    if not done:
        conn.execute(insert(bonus_answers).values(question_id=question_id, user_id=user.id, answer=text,
                                                  answered_at=utcnow()))
    return get(conn, acc, question_id, user)


def resolve(conn: Connection, acc: Access, question_id: int, correct: str) -> dict[str, Any]:
    acc.require_owner()
    _question(conn, acc, question_id)
    conn.execute(update(bonus_questions).where(bonus_questions.c.id == question_id).values(correct_answer=correct))
    return get(conn, acc, question_id, None)
