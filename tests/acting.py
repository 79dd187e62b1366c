"""Tests act as several users in one transaction; the application binds the acting user once,
at sign-in (Database.actor), and the services read it from the session."""


def as_user(session, actor):
    """`session`, acting from now on as `actor` (None: no one signed in)."""
    session.info["actor"] = actor
    return session


def as_account(session, user):
    """`session`, acting from now on as the user account `user` (a users row)."""
    from kzmigdesk.services.users import actor_of

    return as_user(session, actor_of(user))
