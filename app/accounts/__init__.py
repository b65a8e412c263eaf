"""Accounts: who is who. The `User` model with its site roles and the role guards
(`roles_required`): the identity every layer above reads. How a person gets in (log in,
passwords, invitations, login links) is the `auth` feature's."""
