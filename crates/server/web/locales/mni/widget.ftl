## The cookie banner (/widget/v1/consent.js)
widget-title = সাইট অসিদা কুকীশিং
widget-intro = মথৌ তাবা কুকীশিংনা সাইট অসি চৎথহল্লি অমসুং মতম পুম্বদা চালু ওই। নহাক্কী য়াথংগা লোয়নবদা ঐখোয়না মখল মখল অতোপ্পা কুকীশিংসু শিজিন্নৈ। পুম্নমক লৌবিয়ু, পুম্নমক হোৎনবিয়ু নত্রগা মখল খুদিংমক্কী খল্লু; নহাক্না মতম খুদিংদা নহাক্কী খনবা হোংদোকপা য়াই।
widget-accept-all = পুম্নমক লৌবিয়ু
widget-reject-all = পুম্নমক হোৎনবিয়ু
widget-customise = মখলশিং খল্লু
widget-save = ঐগী খনবা থম্মু
widget-preferences = কুকী পাম্বশিং
widget-policy = কুকী পোলিসি
widget-always-on = মতম পুম্বদা চালু।
widget-gpc = নহাক্কী ব্রাউজরগী গ্লোবেল প্রাইভেসী কন্ট্রোল সিগনেলনা মখল অসি হোৎনই।
widget-error = নহাক্কী খনবা থম্বা ঙমদ্রে। অনিশুবা হোৎনবিয়ু।
widget-category-essential = মথৌ তাবা
widget-category-performance = থবক পাংথোকপা
widget-category-analytics = খন্দোকপা
widget-category-marketing = লৈনবা-য়োনবা

## The sample page with the banner (/widget/v1/demo)
widget-demo-title = কুকী বেনর লৈবা নমুনা লমাই অমা
widget-demo-intro = লমাই অসিনা কুকী বেনর অসি ৱেবসাইট অমনা থম্বগুম উৎলি। নহাক্না খন্দোকপগী কুকীশিংদা য়াথং পীদ্রিফাওবা মসিগী খন্দোকপগী স্ক্রিপ্ট থিংজিল্লি।
widget-demo-blocked = খন্দোকপা: য়াথং ফংদ্রিফাওবা থিংজিল্লি।
widget-demo-running = খন্দোকপা: চৎলি।
