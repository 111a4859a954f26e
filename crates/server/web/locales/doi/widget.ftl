## The cookie banner (/widget/v1/consent.js)
widget-title = इस साइटा पर कुकीज़
widget-intro = जरूरी कुकीज़ इस साइटा गी चलांदियां न ते हमेशां चालू रौंह्दियां न। तुंदी सैह्मति कन्नै अस श्रेणी मताबक होर कुकीज़ बी बरतने आं। सब मंजूर करो, सब नामंजूर करो जां हर श्रेणी आस्तै चुनो; तुस अपनी पसंद कदें बी बदली सकदे ओ।
widget-accept-all = सब मंजूर करो
widget-reject-all = सब नामंजूर करो
widget-customise = श्रेणियां चुनो
widget-save = मेरी पसंद सांभो
widget-preferences = कुकी पसंद
widget-policy = कुकी नीति
widget-always-on = हमेशां चालू।
widget-gpc = तुंदे ब्राउज़र दा ग्लोबल प्राइवेसी कंट्रोल संकेत इस श्रेणी गी नामंजूर करदा ऐ।
widget-error = तुंदी पसंद सांभी नेईं जाई सकी। किरपा करियै फ्ही कोशश करो।
widget-category-essential = जरूरी
widget-category-performance = कारगुजारी
widget-category-analytics = विश्लेशन
widget-category-marketing = मार्केटिंग

## The sample page with the banner (/widget/v1/demo)
widget-demo-title = कुकी बैनर आह्ला इक नमूना सफा
widget-demo-intro = एह् सफा कुकी बैनर गी उ'आं गै दस्सदा ऐ जिʼयां कोई वैबसाइट उसी रक्खग। जिन्ना चिर तुस विश्लेशन कुकीज़ दी अजाजत नेईं दिंदे, उसदी विश्लेशन स्क्रिप्ट रुकी दी रौंह्दी ऐ।
widget-demo-blocked = विश्लेशन: अजाजत मिलने तगर रुकी दी।
widget-demo-running = विश्लेशन: चला करदी ऐ।
