## The pages' frame, the registration form and the pages the form leads to.

org-name = BTBU-ECOSF 联合培训中心
# This language's name in itself, for the language switcher.
language-name = 中文
language-switcher = 语言
page-title-form = 报名 · { $title }
page-title-message = { $heading } · { $title }
page-back-to-form = 返回报名表
# A page's title when no program can be named (a link that names none).
registration-title = 报名
# Before the organizers' contact address on the form.
form-questions = 咨询：
programs-choose = 请选择要报名的项目。

form-when = Zoom 网络研讨会时间：{ $starts }。
form-closes = 报名截止时间：{ $closes }。
form-welcome = 欢迎来自“一带一路”国家、经济合作组织成员国以及其他任何地方的企业家参加。请在下方报名；我们将通过电子邮件向您发送确认链接，并在研讨会开始前发送 Zoom 链接。
form-error-summary = 请更正以下内容：
form-optional = （选填）
form-phone-hint = （选填：数字、空格、+、-、括号）
form-country-choose = 请选择您的国家或地区
form-country-eco = 经济合作组织成员国
form-country-all = 所有国家和地区
form-consent = 我同意 { $host }保存上述信息，用于举办本培训项目，并就此向我发送电子邮件。这些信息将在研讨会结束 { $days } 天后删除。
form-submit = 报名

registered-heading = 请查收电子邮件
registered-sent = 感谢您报名。我们已向您发送一封电子邮件，其中包含确认报名的链接。
registered-spam = 请打开该链接完成确认。如果几分钟内仍未收到邮件，请查看垃圾邮件文件夹。

closed-heading = 报名已截止
closed-when = 报名已于 { $closes } 截止。研讨会将于 { $starts } 举行。
closed-zoom = 已报名的参与者将在研讨会开始前通过电子邮件收到 Zoom 链接。
not-open-heading = 报名尚未开始
not-open-when = 报名将于 { $opens } 开始。研讨会将于 { $starts } 举行。
programs-heading = 正在报名的项目
programs-item = { $title }：{ $starts } 开始，报名截止时间为 { $closes }。
