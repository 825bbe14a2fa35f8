"""Every URL of the web app lives in one of these modules, by area:

* :mod:`.api`: the JSON API for analysis, stored statements and reviews (``/api/v1/…``);
* :mod:`.pages`: the HTML pages for statements: paste, read and review, browse, download;
* :mod:`.evidence`: the optional areas (verification, the evidence corpus, a speaker's
  baseline, watch), API and pages together, each answering 404 when not installed.

Routes stay thin: the logic behind them is in :mod:`rhetorica.web.core` (the services a
request uses), :mod:`rhetorica.web.views` (HTML fragments) and the rest of Rhetorica; pages
are rendered by :mod:`rhetorica.web.render`.
"""
