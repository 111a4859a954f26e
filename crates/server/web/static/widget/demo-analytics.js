// The demo's "analytics" script: it runs only once analytics cookies are allowed, sets the
// cookie the banner declares for analytics, and says so on the page.
(function () {
  "use strict";
  document.cookie = "_demo_analytics=1; Path=/; Max-Age=86400; SameSite=Lax";
  window.demoAnalyticsRuns = (window.demoAnalyticsRuns || 0) + 1;
  var s = document.getElementById("demo-analytics-status");
  if (s) s.textContent = s.getAttribute("data-running") || "";
})();
