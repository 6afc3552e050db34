"""The write side: every step of an entry's life as one function, one transaction; also
propagation (管理办法 第二十六条), consents and the query register's writer.

A step (file an objection, accept a repair, revoke an entry, ...) takes plain values
(ids, dates, the actor, the clock) and runs all of its reads, checks and writes in ONE
write transaction (``procedures.step.run``): it either happens entirely or not at all.
Who may take a step, argument parsing and GraphQL shapes stay in ``resolvers/``; the
read queries stay in ``loaders/``.

A step whose rule depends on the state of a node (an objection's status, an
application's status, a subject's history) first *claims* that node
(``Transaction.claim``): ``SET x._LOCK_ = true REMOVE x._LOCK_`` takes the node's write
lock and leaves it unchanged (a ``REMOVE`` alone of a property the node lacks takes no
lock), and what the same statement returns is read under that lock. A concurrent step on
the same node waits until this one commits, then sees its outcome, so nothing can slip
between the check and the write. (A plain ``MATCH ... WHERE x.status = ... SET`` is not
enough: both transactions pass the WHERE before either holds the lock.)
"""
