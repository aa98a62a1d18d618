## The emails to a participant (subjects included) and the calendar invitation.

email-greeting = { $name } گرامی،
email-copy-link = یا این پیوند را در مرورگر خود کپی کنید:
email-cancel-prompt = اگر دیگر نمی‌توانید شرکت کنید، لطفاً ثبت‌نام خود را لغو کنید تا جای شما به نفر بعدی در فهرست انتظار برسد:
email-cancel-link = ثبت‌نامم را لغو می‌کنم
email-join-button = ورود به وبینار Zoom
email-join-text = با این پیوند وارد وبینار Zoom شوید:

confirmation-subject = لطفاً ثبت‌نام خود را تأیید کنید: { $title }
confirmation-thanks = از ثبت‌نام شما در «{ $title }»، وبیناری در Zoom در { $starts }، سپاسگزاریم.
confirmation-open-link = لطفاً با باز کردن این پیوند، ثبت‌نام خود را تأیید کنید:
# The HTML part's button that opens the confirmation link.
confirmation-button = ثبت‌نامم را تأیید می‌کنم
confirmation-next = پس از تأیید، پیش از آغاز وبینار پیوند Zoom را برایتان ایمیل می‌کنیم.
confirmation-not-me = اگر ثبت‌نام نکرده‌اید، این ایمیل را نادیده بگیرید؛ ایمیل دیگری فرستاده نمی‌شود.
confirmation-delete = برای اینکه این ثبت‌نام همین حالا پاک شود، این پیوند را باز کنید:
confirmation-not-me-link = من ثبت‌نام نکرده‌ام

link-subject = پیوند Zoom شما: { $title }
link-subject-promoted = جایی برای شما باز شد، همراه با پیوند Zoom: { $title }
link-promoted = جایی خالی شده و از آنِ شماست: دیگر در فهرست انتظار نیستید.
link-starts = «{ $title }» در { $starts } ({ $starts_utc }) آغاز می‌شود.
link-invitation = دعوت‌نامهٔ پیوست، وبینار را به تقویم شما می‌افزاید. لطفاً این پیوند را به کسی ندهید: این پیوند جای شماست.

promotion-subject = جایی برای شما باز شد: { $title }
promotion-seat = در «{ $title }»، وبیناری در Zoom در { $starts }، جایی خالی شده و از آنِ شماست: دیگر در فهرست انتظار نیستید.
promotion-next = پیش از آغاز وبینار، پیوند Zoom را برایتان ایمیل می‌کنیم.

reminder-subject = یادآوری: { $title } به‌زودی آغاز می‌شود
reminder-starts = یادآوری: «{ $title }» در { $starts } ({ $starts_utc }) آغاز می‌شود.

# The first line of an organizer's notice, above their own words.
notice-intro = پیامی از برگزارکنندگان «{ $title }»:

# The calendar invitation's description; the link is the webinar's.
ics-description = ورود به وبینار: { $link }
