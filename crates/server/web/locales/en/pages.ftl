## Every page
site-name = Anumodan consent manager
skip-to-content = Skip to the content
language = Language
footer-note = Your consents, under the Digital Personal Data Protection Act, 2023.

## The home page
home-title = Your consent, your choice
home-intro = Anumodan records the consents you give to organisations for the use of your personal data, so you can see, change or withdraw them at any time.

## Errors
error-title = Something went wrong
error-home = Go to the home page
error-generic = The page could not be shown. Please try again.
error-form = The form could not be read. Please go back and try again.
error-csrf = This form has expired or was sent from another site. Please go back, reload the page and try again.
error-not-found = There is no such page.
