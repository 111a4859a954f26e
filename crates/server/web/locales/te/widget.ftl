## The cookie banner (/widget/v1/consent.js)
widget-title = ఈ సైట్‌లో కుకీలు
widget-intro = అవసరమైన కుకీలు ఈ సైట్‌ను పని చేయిస్తాయి, ఎల్లప్పుడూ ఆన్‌లో ఉంటాయి. మీ సమ్మతితో మేము వర్గాల వారీగా ఇతర కుకీలనూ ఉపయోగిస్తాము. అన్నీ అంగీకరించండి, అన్నీ తిరస్కరించండి లేదా ప్రతి వర్గానికి ఎంచుకోండి; మీ ఎంపికను ఎప్పుడైనా మార్చవచ్చు.
widget-accept-all = అన్నీ అంగీకరించండి
widget-reject-all = అన్నీ తిరస్కరించండి
widget-customise = వర్గాలను ఎంచుకోండి
widget-save = నా ఎంపికను సేవ్ చేయండి
widget-preferences = కుకీ ప్రాధాన్యతలు
widget-policy = కుకీ విధానం
widget-always-on = ఎల్లప్పుడూ ఆన్.
widget-gpc = మీ బ్రౌజర్ గ్లోబల్ ప్రైవసీ కంట్రోల్ సంకేతం ఈ వర్గాన్ని తిరస్కరిస్తుంది.
widget-error = మీ ఎంపికను సేవ్ చేయలేకపోయాము. దయచేసి మళ్లీ ప్రయత్నించండి.
widget-category-essential = అవసరమైనవి
widget-category-performance = పనితీరు
widget-category-analytics = విశ్లేషణ
widget-category-marketing = మార్కెటింగ్

## The sample page with the banner (/widget/v1/demo)
widget-demo-title = కుకీ బ్యానర్‌తో ఒక నమూనా పేజీ
widget-demo-intro = ఏదైనా వెబ్‌సైట్ కుకీ బ్యానర్‌ను ఉంచినట్లే ఈ పేజీ చూపిస్తుంది. మీరు విశ్లేషణ కుకీలను అనుమతించే వరకు దీని విశ్లేషణ స్క్రిప్ట్ నిరోధించబడి ఉంటుంది.
widget-demo-blocked = విశ్లేషణ: అనుమతించే వరకు నిరోధించబడింది.
widget-demo-running = విశ్లేషణ: నడుస్తోంది.
