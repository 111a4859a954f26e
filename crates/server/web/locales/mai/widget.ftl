## The cookie banner (/widget/v1/consent.js)
widget-title = एहि साइट पर कुकीज
widget-intro = आवश्यक कुकीज एहि साइटकेँ चलबैत अछि आ सदिखन चालू रहैत अछि। अहाँक सहमतिसँ हम श्रेणीक अनुसार आन कुकीज सेहो उपयोग करैत छी। सभ स्वीकार करू, सभ अस्वीकार करू वा प्रत्येक श्रेणीक लेल चुनू; अहाँ अपन पसिन कखनो बदलि सकैत छी।
widget-accept-all = सभ स्वीकार करू
widget-reject-all = सभ अस्वीकार करू
widget-customise = श्रेणी चुनू
widget-save = हमर पसिन सहेजू
widget-preferences = कुकी प्राथमिकता
widget-policy = कुकी नीति
widget-always-on = सदिखन चालू।
widget-gpc = अहाँक ब्राउजरक ग्लोबल प्राइवेसी कंट्रोल संकेत एहि श्रेणीकेँ अस्वीकार करैत अछि।
widget-error = अहाँक पसिन सहेजल नहि जा सकल। कृपया फेरसँ प्रयास करू।
widget-category-essential = आवश्यक
widget-category-performance = प्रदर्शन
widget-category-analytics = विश्लेषण
widget-category-marketing = विपणन

## The sample page with the banner (/widget/v1/demo)
widget-demo-title = कुकी बैनर बला एकटा नमूना पृष्ठ
widget-demo-intro = ई पृष्ठ कुकी बैनरकेँ ओहिना देखबैत अछि जेना कोनो वेबसाइट ओकरा रखैत। एकर विश्लेषण स्क्रिप्ट तावत धरि रोकल रहैत अछि जावत धरि अहाँ विश्लेषण कुकीजक अनुमति नहि दैत छी।
widget-demo-blocked = विश्लेषण: अनुमति भेटबा धरि रोकल।
widget-demo-running = विश्लेषण: चलि रहल अछि।
