// the chosen theme before the first paint (no flash); loaded in <head>, not inline, for the page's CSP
(function () { var t = localStorage.getItem("matchday-theme"); if (t) document.documentElement.dataset.theme = t; })();
