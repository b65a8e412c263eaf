"""Common helpers every layer may use: typed text cleaned (`text`), Markdown made safe
(`markup`), dates the Italian way (`formatting`), Rome's clock (`timeutil`), the forms' base
classes and shared fields (`forms`), and what a family asks before going (`facts`).

They import nothing of the application: this is the bottom layer."""
