## The cookie banner (/widget/v1/consent.js)
