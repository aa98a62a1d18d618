## The problems an answer can report: a title and a detail for each slug.
## JSON answers keep their English `title`; the pages and `detail` use these.

problem-malformed-body-title = 请求正文格式不正确
problem-malformed-body-detail = 请发送 UTF-8 编码的 JSON 对象或 URL 编码表单。
problem-registration-closed-title = 报名已截止
problem-registration-closed-detail = 本活动的报名已截止。
problem-registration-not-open-title = 报名尚未开始
problem-registration-not-open-detail = 本项目的报名尚未开始，请在报名开始后再来。
problem-already-registered-title = 此电子邮件地址已报名
problem-already-registered-detail = 此电子邮件地址已报名参加本活动。如果您尚未确认，请查看收件箱：除非我们在过去十分钟内已发送过，否则已重新向您发送确认链接。
problem-payload-too-large-title = 请求正文过大
problem-payload-too-large-detail = 请求正文不得超过 16 KiB。
problem-unsupported-media-type-title = 不支持的内容类型
problem-unsupported-media-type-detail = 请以 UTF-8 编码发送 application/json 或 application/x-www-form-urlencoded。
problem-validation-title = 部分字段无效
problem-validation-detail = 一个或多个字段无效；详见 errors。
problem-too-many-requests-title = 来自您所在网络的报名过多
problem-too-many-requests-detail = 过去一小时内来自您所在网络的报名过多。请稍后再试。
problem-internal-title = 我们这边出现了问题
problem-internal-detail = 请稍后再试。
problem-unavailable-title = 服务暂时不可用
problem-unavailable-detail = 请几分钟后再试。
problem-not-found-title = 未找到
problem-not-found-detail = 此地址没有内容。
problem-method-not-allowed-title = 不允许使用该方法
problem-method-not-allowed-detail = 此地址不接受该请求方法。
problem-cross-site-title = 此请求来自其他网站
problem-cross-site-detail = 只有本网站自己的页面可以发送此请求。请打开邮件中的链接，并使用该页面上的按钮。
problem-missing-token-title = 链接中缺少令牌
problem-missing-token-detail = 请发送邮件链接中的令牌。
problem-unknown-token-title = 此链接无效
problem-unknown-token-detail = 令牌未知或已被更改。请使用最新邮件中的链接。
problem-event-started-title = 研讨会已经开始
problem-event-started-detail = 研讨会开始后，报名信息不能再更改。
