## The cookie banner (/widget/v1/consent.js)
widget-title = या साइटवरील कुकीज
widget-intro = आवश्यक कुकीज ही साइट चालू ठेवतात आणि नेहमी सुरू असतात. तुमच्या संमतीने आम्ही श्रेणीनुसार इतर कुकीजही वापरतो. सर्व स्वीकारा, सर्व नाकारा किंवा प्रत्येक श्रेणीसाठी निवडा; तुम्ही तुमची निवड कधीही बदलू शकता.
widget-accept-all = सर्व स्वीकारा
widget-reject-all = सर्व नाकारा
widget-customise = श्रेणी निवडा
widget-save = माझी निवड जतन करा
widget-preferences = कुकी प्राधान्ये
widget-policy = कुकी धोरण
widget-always-on = नेहमी सुरू.
widget-gpc = तुमच्या ब्राउझरचा ग्लोबल प्रायव्हसी कंट्रोल संकेत ही श्रेणी नाकारतो.
widget-error = तुमची निवड जतन होऊ शकली नाही. कृपया पुन्हा प्रयत्न करा.
widget-category-essential = आवश्यक
widget-category-performance = कार्यक्षमता
widget-category-analytics = विश्लेषण
widget-category-marketing = विपणन

## The sample page with the banner (/widget/v1/demo)
widget-demo-title = कुकी बॅनर असलेले एक नमुना पृष्ठ
widget-demo-intro = हे पृष्ठ एखादी वेबसाइट कुकी बॅनर जसे दाखवेल तसे दाखवते. तुम्ही विश्लेषण कुकीजना परवानगी देईपर्यंत त्याची विश्लेषण स्क्रिप्ट रोखलेली राहते.
widget-demo-blocked = विश्लेषण: परवानगी मिळेपर्यंत रोखलेले.
widget-demo-running = विश्लेषण: सुरू आहे.
