## The cookie banner (/widget/v1/consent.js)
widget-title = यस साइटमा कुकीहरू
widget-intro = आवश्यक कुकीहरूले यो साइट चलाउँछन् र सधैं चालु रहन्छन्। तपाईंको सहमतिमा हामी श्रेणी अनुसार अन्य कुकीहरू पनि प्रयोग गर्छौं। सबै स्वीकार गर्नुहोस्, सबै अस्वीकार गर्नुहोस् वा प्रत्येक श्रेणीका लागि छान्नुहोस्; तपाईं आफ्नो छनोट जुनसुकै बेला बदल्न सक्नुहुन्छ।
widget-accept-all = सबै स्वीकार गर्नुहोस्
widget-reject-all = सबै अस्वीकार गर्नुहोस्
widget-customise = श्रेणीहरू छान्नुहोस्
widget-save = मेरो छनोट सुरक्षित गर्नुहोस्
widget-preferences = कुकी प्राथमिकताहरू
widget-policy = कुकी नीति
widget-always-on = सधैं चालु।
widget-gpc = तपाईंको ब्राउजरको ग्लोबल प्राइभेसी कन्ट्रोल संकेतले यो श्रेणी अस्वीकार गर्छ।
widget-error = तपाईंको छनोट सुरक्षित हुन सकेन। कृपया फेरि प्रयास गर्नुहोस्।
widget-category-essential = आवश्यक
widget-category-performance = कार्यसम्पादन
widget-category-analytics = विश्लेषण
widget-category-marketing = बजारीकरण

## The sample page with the banner (/widget/v1/demo)
widget-demo-title = कुकी ब्यानर भएको एउटा नमुना पृष्ठ
widget-demo-intro = यो पृष्ठले कुकी ब्यानरलाई कुनै वेबसाइटले राख्ने जस्तै देखाउँछ। तपाईंले विश्लेषण कुकीहरूलाई अनुमति नदिएसम्म यसको विश्लेषण स्क्रिप्ट रोकिएको रहन्छ।
widget-demo-blocked = विश्लेषण: अनुमति नपाएसम्म रोकिएको।
widget-demo-running = विश्लेषण: चलिरहेको छ।
