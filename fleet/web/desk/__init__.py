"""The school desk (``/desk/…``), where school IT lends laptops to pupils and takes them back, one
module per page, all on the ``web`` blueprint:

- ``index``: ``/desk``, the classes of the school with where each stands, and the way to each page below
- ``handout``: ``/desk/handout?class=``, a class handed out in one sitting (``fleet.lending.loans``)
- ``signing``: ``/desk/sign``, the guardians signing one after another at the desk's tablet
- ``roster``: ``/desk/agreements``, every loan's agreement state, links, reminders (``fleet.lending.roster``)
- ``returns``: ``/desk/return``, a laptop taken back (``fleet.lending.returns``)
"""

from __future__ import annotations

from fleet.web.desk import handout, index, returns, roster, signing  # noqa: F401  (each adds its routes to bp)
