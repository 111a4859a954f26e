## The cookie banner (/widget/v1/consent.js)
widget-title = ಈ ಸೈಟ್‌ನಲ್ಲಿ ಕುಕೀಗಳು
widget-intro = ಅಗತ್ಯ ಕುಕೀಗಳು ಈ ಸೈಟ್ ಅನ್ನು ಕಾರ್ಯನಿರ್ವಹಿಸುವಂತೆ ಮಾಡುತ್ತವೆ ಮತ್ತು ಯಾವಾಗಲೂ ಆನ್ ಇರುತ್ತವೆ. ನಿಮ್ಮ ಸಮ್ಮತಿಯೊಂದಿಗೆ ನಾವು ವರ್ಗವಾರು ಇತರ ಕುಕೀಗಳನ್ನೂ ಬಳಸುತ್ತೇವೆ. ಎಲ್ಲವನ್ನೂ ಸ್ವೀಕರಿಸಿ, ಎಲ್ಲವನ್ನೂ ತಿರಸ್ಕರಿಸಿ ಅಥವಾ ಪ್ರತಿ ವರ್ಗಕ್ಕೆ ಆಯ್ಕೆ ಮಾಡಿ; ನಿಮ್ಮ ಆಯ್ಕೆಯನ್ನು ಯಾವಾಗ ಬೇಕಾದರೂ ಬದಲಿಸಬಹುದು.
widget-accept-all = ಎಲ್ಲವನ್ನೂ ಸ್ವೀಕರಿಸಿ
widget-reject-all = ಎಲ್ಲವನ್ನೂ ತಿರಸ್ಕರಿಸಿ
widget-customise = ವರ್ಗಗಳನ್ನು ಆಯ್ಕೆಮಾಡಿ
widget-save = ನನ್ನ ಆಯ್ಕೆ ಉಳಿಸಿ
widget-preferences = ಕುಕೀ ಆದ್ಯತೆಗಳು
widget-policy = ಕುಕೀ ನೀತಿ
widget-always-on = ಯಾವಾಗಲೂ ಆನ್.
widget-gpc = ನಿಮ್ಮ ಬ್ರೌಸರ್‌ನ ಗ್ಲೋಬಲ್ ಪ್ರೈವಸಿ ಕಂಟ್ರೋಲ್ ಸಂಕೇತ ಈ ವರ್ಗವನ್ನು ತಿರಸ್ಕರಿಸುತ್ತದೆ.
widget-error = ನಿಮ್ಮ ಆಯ್ಕೆಯನ್ನು ಉಳಿಸಲಾಗಲಿಲ್ಲ. ದಯವಿಟ್ಟು ಮತ್ತೆ ಪ್ರಯತ್ನಿಸಿ.
widget-category-essential = ಅಗತ್ಯ
widget-category-performance = ಕಾರ್ಯಕ್ಷಮತೆ
widget-category-analytics = ವಿಶ್ಲೇಷಣೆ
widget-category-marketing = ಮಾರುಕಟ್ಟೆ

## The sample page with the banner (/widget/v1/demo)
widget-demo-title = ಕುಕೀ ಬ್ಯಾನರ್ ಇರುವ ಒಂದು ಮಾದರಿ ಪುಟ
widget-demo-intro = ಯಾವುದೇ ವೆಬ್‌ಸೈಟ್ ಕುಕೀ ಬ್ಯಾನರ್ ಅನ್ನು ಇಡುವಂತೆಯೇ ಈ ಪುಟ ತೋರಿಸುತ್ತದೆ. ನೀವು ವಿಶ್ಲೇಷಣೆ ಕುಕೀಗಳಿಗೆ ಅನುಮತಿ ನೀಡುವವರೆಗೆ ಇದರ ವಿಶ್ಲೇಷಣೆ ಸ್ಕ್ರಿಪ್ಟ್ ತಡೆಹಿಡಿಯಲ್ಪಟ್ಟಿರುತ್ತದೆ.
widget-demo-blocked = ವಿಶ್ಲೇಷಣೆ: ಅನುಮತಿ ಸಿಗುವವರೆಗೆ ತಡೆಹಿಡಿಯಲಾಗಿದೆ.
widget-demo-running = ವಿಶ್ಲೇಷಣೆ: ಚಾಲನೆಯಲ್ಲಿದೆ.
