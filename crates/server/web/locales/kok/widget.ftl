## The cookie banner (/widget/v1/consent.js)
widget-title = ह्या सायटीचेर कुकीज
widget-intro = गरजेच्यो कुकीज ही सायट चालू दवरतात आनी सदांच चालू आसतात. तुमच्या संमतीन आमी वर्गा प्रमाण हेर कुकीजूय वापरतात. सगळ्यो मान्य करात, सगळ्यो न्हयकारात वा दर एका वर्गाखातीर वेंचात; तुमी तुमची वेंचणूक केन्नाय बदलूंक शकतात.
widget-accept-all = सगळ्यो मान्य करात
widget-reject-all = सगळ्यो न्हयकारात
widget-customise = वर्ग वेंचात
widget-save = म्हजी वेंचणूक सांबाळात
widget-preferences = कुकी प्राधान्यां
widget-policy = कुकी धोरण
widget-always-on = सदांच चालू.
widget-gpc = तुमच्या ब्राउझराचो ग्लोबल प्रायव्हसी कंट्रोल संकेत हो वर्ग न्हयकारता.
widget-error = तुमची वेंचणूक सांबाळूंक जालीना. उपकार करून परतून यत्न करात.
widget-category-essential = गरजेचें
widget-category-performance = कामगिरी
widget-category-analytics = विश्लेशण
widget-category-marketing = बाजार

## The sample page with the banner (/widget/v1/demo)
widget-demo-title = कुकी बॅनर आशिल्लें एक नमुनो पान
widget-demo-intro = हें पान खंयचीय वेबसायट कुकी बॅनर दवरतली तशें दाखयता. तुमी विश्लेशण कुकीजांक परवानगी दिना मेरेन ताची विश्लेशण स्क्रिप्ट आडायल्ली आसता.
widget-demo-blocked = विश्लेशण: परवानगी मेळ्ळे मेरेन आडायल्लें.
widget-demo-running = विश्लेशण: चालू आसा.
