## The cookie banner (/widget/v1/consent.js)
widget-title = अस्मिन् जालस्थाने कुकीजाः
widget-intro = आवश्यकाः कुकीजाः इदं जालस्थानं चालयन्ति, सर्वदा सक्रियाः च भवन्ति। भवतः सम्मत्या वयं वर्गानुसारम् अन्याः कुकीजाः अपि उपयुञ्ज्महे। सर्वाः स्वीकरोतु, सर्वाः अस्वीकरोतु, अथवा प्रत्येकवर्गाय चिनोतु; भवान् स्वचयनं कदापि परिवर्तयितुं शक्नोति।
widget-accept-all = सर्वाः स्वीकरोतु
widget-reject-all = सर्वाः अस्वीकरोतु
widget-customise = वर्गान् चिनोतु
widget-save = मम चयनं रक्षतु
widget-preferences = कुकी-अभिरुचयः
widget-policy = कुकी-नीतिः
widget-always-on = सर्वदा सक्रियम्।
widget-gpc = भवतः ब्राउज़र्-इत्यस्य ग्लोबल्-प्राइवेसी-कण्ट्रोल्-सङ्केतः इमं वर्गम् अस्वीकरोति।
widget-error = भवतः चयनं रक्षितुं न शक्तम्। कृपया पुनः प्रयतताम्।
widget-category-essential = आवश्यकम्
widget-category-performance = कार्यक्षमता
widget-category-analytics = विश्लेषणम्
widget-category-marketing = विपणनम्

## The sample page with the banner (/widget/v1/demo)
widget-demo-title = कुकी-पट्टिकायुक्तं नमूनापृष्ठम्
widget-demo-intro = इदं पृष्ठं कुकी-पट्टिकां तथा दर्शयति यथा किञ्चित् जालस्थानं धारयेत्। यावत् भवान् विश्लेषण-कुकीजाः न अनुमन्यते तावत् अस्य विश्लेषण-लिपिः निरुद्धा तिष्ठति।
widget-demo-blocked = विश्लेषणम्: अनुमतिपर्यन्तं निरुद्धम्।
widget-demo-running = विश्लेषणम्: प्रचलति।
