"""What leaves the department: player reports and the weekly digest, HTML and PDF, in Italian,
English and French (``data.py`` gathers, ``recommend.py`` weighs, ``charts.py`` draws,
``render.py`` writes; ``i18n.py`` + ``locale/`` for the words)."""
