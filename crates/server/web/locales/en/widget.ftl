## The cookie banner (/widget/v1/consent.js)
widget-title = Cookies on this site
widget-intro = Essential cookies keep this site working and are always on. With your consent we also use other cookies, by category. Accept all, reject all or choose for each category; you can change your choice at any time.
widget-accept-all = Accept all
widget-reject-all = Reject all
widget-customise = Choose categories
widget-save = Save my choices
widget-preferences = Cookie preferences
widget-policy = Cookie policy
widget-always-on = Always on.
widget-gpc = Your browser's Global Privacy Control signal refuses this category.
widget-error = Your choice could not be saved. Please try again.
widget-category-essential = Essential
widget-category-performance = Performance
widget-category-analytics = Analytics
widget-category-marketing = Marketing

## The sample page with the banner (/widget/v1/demo)
widget-demo-title = A sample page with the cookie banner
widget-demo-intro = This page shows the cookie banner as a website would carry it. Its analytics script is blocked until you allow analytics cookies.
widget-demo-blocked = Analytics: blocked until you allow it.
widget-demo-running = Analytics: running.
