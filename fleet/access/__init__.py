"""Who may do what: accounts and tokens, the policy table, sessions, staff sign-in, the
directory, throttling, the access log and CSRF."""
