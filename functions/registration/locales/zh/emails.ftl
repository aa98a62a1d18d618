## The emails to a participant (subjects included) and the calendar invitation.

email-greeting = 尊敬的 { $name }：
email-copy-link = 或将此链接复制到浏览器中打开：
email-cancel-prompt = 如果您无法参加，请取消报名，以便将您的名额让给候补名单中的下一位：
email-cancel-link = 取消我的报名
email-join-button = 加入 Zoom 网络研讨会
email-join-text = 请通过此链接加入 Zoom 网络研讨会：

confirmation-subject = 请确认您的报名：{ $title }
confirmation-thanks = 感谢您报名参加 Zoom 网络研讨会“{ $title }”，时间为 { $starts }。
confirmation-open-link = 请打开此链接确认您的报名：
# The HTML part's button that opens the confirmation link.
confirmation-button = 确认报名
confirmation-next = 确认后，我们将在研讨会开始前通过电子邮件向您发送 Zoom 链接。
confirmation-not-me = 如果您没有报名，请忽略此邮件；我们不会再发送任何邮件。
confirmation-delete = 如需立即删除此报名，请打开：
confirmation-not-me-link = 我没有报名

link-subject = 您的 Zoom 链接：{ $title }
link-subject-promoted = 您已获得名额，附 Zoom 链接：{ $title }
link-promoted = 有名额空出，现已分配给您：您已不在候补名单中。
link-starts = “{ $title }”将于 { $starts }（{ $starts_utc }）开始。
link-invitation = 附件中的邀请可将本次研讨会添加到您的日历。请勿将此链接转给他人：它代表您的名额。

promotion-subject = 您已获得名额：{ $title }
promotion-seat = Zoom 网络研讨会“{ $title }”（时间为 { $starts }）有名额空出，现已分配给您：您已不在候补名单中。
promotion-next = 我们将在研讨会开始前通过电子邮件向您发送 Zoom 链接。

reminder-subject = 提醒：{ $title } 即将开始
reminder-starts = 提醒：“{ $title }”将于 { $starts }（{ $starts_utc }）开始。

# The first line of an organizer's notice, above their own words.
notice-intro = 来自“{ $title }”主办方的消息：

# The calendar invitation's description; the link is the webinar's.
ics-description = 加入网络研讨会：{ $link }
