## The cookie banner (/widget/v1/consent.js)
widget-title = इस साइट पर कुकीज़
widget-intro = आवश्यक कुकीज़ इस साइट को चलाती हैं और हमेशा चालू रहती हैं। आपकी सहमति से हम श्रेणी के अनुसार अन्य कुकीज़ का भी उपयोग करते हैं। सभी स्वीकार करें, सभी अस्वीकार करें या हर श्रेणी के लिए चुनें; आप अपनी पसंद कभी भी बदल सकते हैं।
widget-accept-all = सभी स्वीकार करें
widget-reject-all = सभी अस्वीकार करें
widget-customise = श्रेणियाँ चुनें
widget-save = मेरी पसंद सहेजें
widget-preferences = कुकी प्राथमिकताएँ
widget-policy = कुकी नीति
widget-always-on = हमेशा चालू।
widget-gpc = आपके ब्राउज़र का ग्लोबल प्राइवेसी कंट्रोल संकेत इस श्रेणी को अस्वीकार करता है।
widget-error = आपकी पसंद सहेजी नहीं जा सकी। कृपया फिर से प्रयास करें।
widget-category-essential = आवश्यक
widget-category-performance = प्रदर्शन
widget-category-analytics = विश्लेषण
widget-category-marketing = विपणन

## The sample page with the banner (/widget/v1/demo)
widget-demo-title = कुकी बैनर वाला एक नमूना पृष्ठ
widget-demo-intro = यह पृष्ठ कुकी बैनर को वैसे दिखाता है जैसे कोई वेबसाइट उसे रखेगी। इसकी विश्लेषण स्क्रिप्ट तब तक रुकी रहती है जब तक आप विश्लेषण कुकीज़ की अनुमति नहीं देते।
widget-demo-blocked = विश्लेषण: अनुमति मिलने तक रुका हुआ।
widget-demo-running = विश्लेषण: चल रहा है।
