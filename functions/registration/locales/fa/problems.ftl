## The problems an answer can report: a title and a detail for each slug.
## JSON answers keep their English `title`; the pages and `detail` use these.

problem-malformed-body-title = بدنهٔ درخواست درست ساخته نشده است
problem-malformed-body-detail = یک شیء JSON یا فرم URL-encoded با کدگذاری UTF-8 بفرستید.
problem-registration-closed-title = ثبت‌نام بسته شده است
problem-registration-closed-detail = ثبت‌نام این رویداد بسته شده است.
problem-registration-not-open-title = ثبت‌نام هنوز آغاز نشده است
problem-registration-not-open-detail = ثبت‌نام این دوره هنوز آغاز نشده است. لطفاً پس از آغاز ثبت‌نام دوباره مراجعه کنید.
problem-already-registered-title = با این نشانی ایمیل پیش‌تر ثبت‌نام شده است
problem-already-registered-detail = با این نشانی ایمیل پیش‌تر در این رویداد ثبت‌نام شده است. اگر هنوز تأیید نکرده‌اید، صندوق ایمیل خود را بررسی کنید: پیوند تأیید را دوباره فرستادیم، مگر آنکه در ده دقیقهٔ گذشته فرستاده باشیم.
problem-payload-too-large-title = بدنهٔ درخواست بیش از حد بزرگ است
problem-payload-too-large-detail = بدنهٔ درخواست باید حداکثر ۱۶ کیبی‌بایت باشد.
problem-unsupported-media-type-title = نوع محتوا پشتیبانی نمی‌شود
problem-unsupported-media-type-detail = application/json یا application/x-www-form-urlencoded با کدگذاری UTF-8 بفرستید.
problem-validation-title = برخی بخش‌ها نامعتبرند
problem-validation-detail = یک یا چند بخش نامعتبر است؛ errors را ببینید.
problem-too-many-requests-title = ثبت‌نام‌های بیش از حد از شبکهٔ شما
problem-too-many-requests-detail = در یک ساعت گذشته ثبت‌نام‌های بیش از حدی از شبکهٔ شما رسیده است. لطفاً بعداً دوباره تلاش کنید.
problem-internal-title = در سمت ما خطایی رخ داد
problem-internal-detail = لطفاً بعداً دوباره تلاش کنید.
problem-unavailable-title = این سرویس موقتاً در دسترس نیست
problem-unavailable-detail = لطفاً چند دقیقهٔ دیگر دوباره تلاش کنید.
problem-not-found-title = یافت نشد
problem-not-found-detail = در این نشانی چیزی نیست.
problem-method-not-allowed-title = این روش مجاز نیست
problem-method-not-allowed-detail = این نشانی آن روش را نمی‌پذیرد.
problem-cross-site-title = این درخواست از سایت دیگری آمده است
problem-cross-site-detail = فقط صفحه‌های خود این سایت می‌توانند این درخواست را بفرستند. پیوند ایمیل خود را باز کنید و از دکمهٔ همان صفحه استفاده کنید.
problem-missing-token-title = پیوند توکن ندارد
problem-missing-token-detail = توکن پیوند ایمیل‌شده را بفرستید.
problem-unknown-token-title = این پیوند معتبر نیست
problem-unknown-token-detail = توکن ناشناخته است یا تغییر کرده است. از پیوند آخرین ایمیل خود استفاده کنید.
problem-event-started-title = وبینار آغاز شده است
problem-event-started-detail = پس از آغاز وبینار نمی‌توان ثبت‌نام‌ها را تغییر داد.
