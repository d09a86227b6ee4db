<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
<context>
    <name>AccountPage</name>
    <message>
        <source>Signing in to your company&apos;s HQ server, to sync with it, will be possible here in a coming version. Until then, sign in from the command line: crm-desktop login --server URL --user NAME</source>
        <translation type="vanished">在后续版本中，可以在这里登录公司总部服务器并与之同步。在此之前，请在命令行登录：crm-desktop login --server URL --user NAME</translation>
    </message>
    <message>
        <location filename="../../views/account_page.py" line="+58"/>
        <source>Only if HQ uses its own authority</source>
        <translation>仅当总部使用自己的证书颁发机构时填写</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Choose…</source>
        <translation>选择…</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Sign in</source>
        <translation>登录</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Sign in to your company&apos;s server</source>
        <translation>登录公司服务器</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Server address:</source>
        <translation>服务器地址：</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>User name:</source>
        <translation>用户名：</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Password:</source>
        <translation>密码：</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Certificate authority:</source>
        <translation>证书颁发机构：</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The password is sent once, to get a token for this device; it is not stored. Your data stays on this computer and syncs with the server.</source>
        <translation>密码只发送一次，用于为此设备获取令牌，不会被保存。你的数据保存在这台电脑上，并与服务器同步。</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Sync now</source>
        <translation>立即同步</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Sign out…</source>
        <translation>退出登录…</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Account</source>
        <translation>账户</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Sync every</source>
        <translation>同步间隔</translation>
    </message>
    <message>
        <location line="+3"/>
        <source> min</source>
        <translation> 分钟</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sync when crm-desktop starts</source>
        <translation>crm-desktop 启动时同步</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>When to sync</source>
        <translation>何时同步</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Also when the network comes back, and on demand with F9 (Sync now).</source>
        <translation>网络恢复时也会同步，也可按 F9（立即同步）手动同步。</translation>
    </message>
    <message>
        <location line="+37"/>
        <source>Signed in to {0} as {1} ({2}).</source>
        <translation>已以 {1}（{2}）身份登录 {0}。</translation>
    </message>
    <message>
        <location line="+32"/>
        <source>Signing in…</source>
        <translation>正在登录…</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Unencrypted connection</source>
        <translation>未加密的连接</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{0} uses plain http: your password and data cross the network unencrypted. Continue only on a network you trust (e.g. the office&apos;s own).</source>
        <translation>{0} 使用明文 http：你的密码和数据将以未加密方式在网络上传输。仅在你信任的网络（例如办公室自己的网络）中继续。</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>The device token is kept in the encrypted store (no OS keychain here).</source>
        <translation>设备令牌保存在加密数据库中（此电脑没有系统钥匙串）。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Signed in as {0}. Syncing…</source>
        <translation>已以 {0} 身份登录。正在同步…</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Cannot reach the server: check the address and the network, then try again.</source>
        <translation>无法连接服务器：请检查地址和网络，然后重试。</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Sign out of {0}? Your data stays on this computer.</source>
        <translation>要退出 {0} 吗？你的数据仍保留在这台电脑上。</translation>
    </message>
    <message numerus="yes">
        <location line="+5"/>
        <source>%n change(s) made here have not been sent to the server yet. They stay on this computer and are sent after you sign in again, as the same user. Sign out anyway?</source>
        <translation>
            <numerusform>在此所做的 %n 项更改尚未发送到服务器。它们会保留在这台电脑上，并在你以同一用户重新登录后发送。仍要退出登录吗？</numerusform>
        </translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Sign out</source>
        <translation>退出登录</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Signing out…</source>
        <translation>正在退出登录…</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Signed out. Your data stays on this computer.</source>
        <translation>已退出登录。你的数据仍保留在这台电脑上。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The server could not be told ({0}); it accepts this device&apos;s old token until HQ revokes the device.</source>
        <translation>无法通知服务器（{0}）；在总部撤销此设备之前，服务器仍接受此设备的旧令牌。</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>Certificate authority</source>
        <translation>证书颁发机构</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Certificates (*.pem *.crt *.cer);;All files (*)</source>
        <translation>证书 (*.pem *.crt *.cer);;所有文件 (*)</translation>
    </message>
</context>
<context>
    <name>Activities</name>
    <message>
        <location filename="../../views/activities_model.py" line="+41"/>
        <source>Call</source>
        <translation>通话</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Meeting</source>
        <translation>会议</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Email</source>
        <translation>邮件</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Visit</source>
        <translation>拜访</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Connected</source>
        <translation>已接通</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>No answer</source>
        <translation>无人接听</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Busy</source>
        <translation>占线</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Voicemail</source>
        <translation>语音信箱</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Wrong number</source>
        <translation>号码错误</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Outgoing</source>
        <translation>呼出</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Incoming</source>
        <translation>呼入</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>When</source>
        <translation>时间</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Type</source>
        <translation>类型</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Contact</source>
        <translation>联系人</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Subject / outcome</source>
        <translation>主题 / 结果</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Duration</source>
        <translation>时长</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Owner</source>
        <translation>负责人</translation>
    </message>
</context>
<context>
    <name>ActivitiesView</name>
    <message>
        <location filename="../../views/activities_view.py" line="+63"/>
        <source>All types</source>
        <translation>全部类型</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Any outcome</source>
        <translation>任意结果</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Any time</source>
        <translation>任意时间</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Today</source>
        <translation>今天</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Last 7 days</source>
        <translation>最近 7 天</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Last 30 days</source>
        <translation>最近 30 天</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Custom range</source>
        <translation>自定义范围</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Log a call…</source>
        <translation>记录通话…</translation>
    </message>
    <message>
        <location line="+88"/>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
</context>
<context>
    <name>AppLock</name>
    <message>
        <location filename="../../views/lock.py" line="+247"/>
        <source>crm-desktop (locked)</source>
        <translation>crm-desktop（已锁定）</translation>
    </message>
</context>
<context>
    <name>AuditView</name>
    <message>
        <location filename="../../views/audit_view.py" line="+43"/>
        <source>Created or edited</source>
        <translation>创建或编辑</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Deleted</source>
        <translation>已删除</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Restored</source>
        <translation>已恢复</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Erased (personal data removed)</source>
        <translation>已彻底删除（个人信息已清除）</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Contact</source>
        <translation>联系人</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Company</source>
        <translation>公司</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Deal</source>
        <translation>商机</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Activity</source>
        <translation>活动</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Task</source>
        <translation>任务</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Consent</source>
        <translation>同意授权</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Pipeline</source>
        <translation>销售管道</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Stage</source>
        <translation>阶段</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Tag</source>
        <translation>标签</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Custom field</source>
        <translation>自定义字段</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Audit log</source>
        <translation>审计日志</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>All records</source>
        <translation>所有记录</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>When</source>
        <translation>时间</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Who</source>
        <translation>操作人</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>What</source>
        <translation>操作</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Record</source>
        <translation>记录</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Fields</source>
        <translation>字段</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Show more</source>
        <translation>显示更多</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Show:</source>
        <translation>显示：</translation>
    </message>
    <message>
        <location line="+28"/>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>{0} entries</source>
        <translation>{0} 条记录</translation>
    </message>
</context>
<context>
    <name>BackupScheduler</name>
    <message>
        <location filename="../../views/security_page.py" line="+522"/>
        <source>The automatic backup failed: {0}</source>
        <translation>自动备份失败：{0}</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Backed up to {0}</source>
        <translation>已备份到 {0}</translation>
    </message>
</context>
<context>
    <name>CallDialog</name>
    <message>
        <location filename="../../views/call_dialog.py" line="+124"/>
        <source>Log a call</source>
        <translation>记录通话</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>mm:ss</source>
        <translation>分:秒</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>What was said, what comes next…</source>
        <translation>谈了什么，下一步做什么…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Create follow-up task in</source>
        <translation>创建跟进任务，期限</translation>
    </message>
    <message>
        <location line="+4"/>
        <source> days</source>
        <translation> 天后</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Save (Ctrl+Enter)</source>
        <translation>保存 (Ctrl+Enter)</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>Contact</source>
        <translation>联系人</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Outcome</source>
        <translation>结果</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Notes</source>
        <translation>备注</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Duration</source>
        <translation>时长</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Started</source>
        <translation>开始时间</translation>
    </message>
    <message>
        <location line="+53"/>
        <source>Choose a contact from the list.</source>
        <translation>请从列表中选择联系人。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Enter the duration as minutes:seconds.</source>
        <translation>请按“分:秒”格式输入时长。</translation>
    </message>
</context>
<context>
    <name>CallTimer</name>
    <message>
        <location line="-173"/>
        <location line="+31"/>
        <source>Start timer</source>
        <translation>开始计时</translation>
    </message>
    <message>
        <location line="-6"/>
        <source>Stop timer</source>
        <translation>停止计时</translation>
    </message>
</context>
<context>
    <name>Chart</name>
    <message>
        <location filename="../../views/charts.py" line="+133"/>
        <source>PNG</source>
        <translation>PNG</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Save the chart as a PNG image</source>
        <translation>将图表保存为 PNG 图片</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>CSV</source>
        <translation>CSV</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Save the chart&apos;s data as CSV</source>
        <translation>将图表数据导出为 CSV</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>No data</source>
        <translation>暂无数据</translation>
    </message>
    <message>
        <location line="+60"/>
        <source>Could not write {0}</source>
        <translation>无法写入 {0}</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Save chart</source>
        <translation>保存图表</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>PNG images (*.png)</source>
        <translation>PNG 图片 (*.png)</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Save chart data</source>
        <translation>导出图表数据</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>CSV files (*.csv)</source>
        <translation>CSV 文件 (*.csv)</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Could not save: {0}</source>
        <translation>无法保存：{0}</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Save as PNG…</source>
        <translation>保存为 PNG…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Save data as CSV…</source>
        <translation>导出数据为 CSV…</translation>
    </message>
</context>
<context>
    <name>CheckPage</name>
    <message>
        <location filename="../../views/import_wizard.py" line="+397"/>
        <source>Check</source>
        <translation>检查</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Import</source>
        <translation>导入</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+34"/>
        <source>Checking…</source>
        <translation>正在检查…</translation>
    </message>
    <message>
        <location line="-23"/>
        <source>Row</source>
        <translation>行</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Contact</source>
        <translation>联系人</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Looks like</source>
        <translation>疑似重复于</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Skip likely duplicates</source>
        <translation>跳过疑似重复</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Import them anyway</source>
        <translation>仍然导入</translation>
    </message>
    <message>
        <location line="+59"/>
        <source>cards</source>
        <translation>张名片</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>rows</source>
        <translation>行</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>{0} contacts can be imported; {1} {3} cannot (see below); {2} look like contacts you already have or earlier {3} of the file.</source>
        <translation>可导入 {0} 个联系人；{1} {3}无法导入（见下方）；{2} 个疑似与已有联系人或文件中前面的{3}重复。</translation>
    </message>
</context>
<context>
    <name>CloseArea</name>
    <message>
        <location filename="../../views/deals_board.py" line="+178"/>
        <source>Won</source>
        <translation>赢单</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Lost</source>
        <translation>输单</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>drop a deal here</source>
        <translation>将商机拖放到此处</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{0} · {1} — {2}  ({3})</source>
        <translation>{0} · {1} — {2}（{3}）</translation>
    </message>
</context>
<context>
    <name>CompaniesView</name>
    <message>
        <location filename="../../views/companies_view.py" line="+239"/>
        <source>Search companies: name, pinyin, city…</source>
        <translation>搜索公司：名称、拼音、城市…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>New company</source>
        <translation>新建公司</translation>
    </message>
    <message>
        <location line="+24"/>
        <location line="+65"/>
        <source>Delete company</source>
        <translation>删除公司</translation>
    </message>
    <message>
        <location line="-59"/>
        <source>Merge into…</source>
        <translation>合并到…</translation>
    </message>
    <message numerus="yes">
        <location line="+14"/>
        <source>%n company(s)</source>
        <translation>
            <numerusform>%n 家公司</numerusform>
        </translation>
    </message>
    <message>
        <location line="+42"/>
        <source>Delete the company {0}? Its contacts, deals, activities and tasks are kept, without a company.</source>
        <translation>删除公司 {0}？其联系人、商机、活动和任务将保留，但不再关联公司。</translation>
    </message>
</context>
<context>
    <name>CompanyEditor</name>
    <message>
        <location filename="../../views/company_editor.py" line="+76"/>
        <source>Edit company</source>
        <translation>编辑公司</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>New company</source>
        <translation>新建公司</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Name *</source>
        <translation>名称 *</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Industry</source>
        <translation>行业</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Website</source>
        <translation>网站</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Phone</source>
        <translation>电话</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Email</source>
        <translation>邮箱</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>City</source>
        <translation>城市</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Country</source>
        <translation>国家/地区</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Grade</source>
        <translation>等级</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Tags</source>
        <translation>标签</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Owner</source>
        <translation>负责人</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Notes</source>
        <translation>备注</translation>
    </message>
</context>
<context>
    <name>CompanyListModel</name>
    <message>
        <location filename="../../views/companies_view.py" line="-263"/>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Industry</source>
        <translation>行业</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>City</source>
        <translation>城市</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Phone</source>
        <translation>电话</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Owner</source>
        <translation>负责人</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Contacts</source>
        <translation>联系人</translation>
    </message>
</context>
<context>
    <name>CompanyPage</name>
    <message>
        <location filename="../../views/company_page.py" line="+103"/>
        <location line="+107"/>
        <source>Select a company to see its details.</source>
        <translation>选择一家公司以查看详情。</translation>
    </message>
    <message>
        <location line="-99"/>
        <source>Details</source>
        <translation>详情</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Contacts</source>
        <translation>联系人</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Deal</source>
        <translation>商机</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Stage</source>
        <translation>阶段</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Value</source>
        <translation>金额</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Contact</source>
        <translation>联系人</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Deals</source>
        <translation>商机</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Timeline</source>
        <translation>时间线</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Edit</source>
        <translation>编辑</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Merge into…</source>
        <translation>合并到…</translation>
    </message>
    <message>
        <location line="+88"/>
        <source>Industry</source>
        <translation>行业</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Website</source>
        <translation>网站</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Phone</source>
        <translation>电话</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Email</source>
        <translation>邮箱</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>City</source>
        <translation>城市</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Country</source>
        <translation>国家/地区</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Grade</source>
        <translation>等级</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Tags</source>
        <translation>标签</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Owner</source>
        <translation>负责人</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Notes</source>
        <translation>备注</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>open</source>
        <translation>进行中</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>won</source>
        <translation>赢单</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>lost</source>
        <translation>输单</translation>
    </message>
</context>
<context>
    <name>ConflictsView</name>
    <message>
        <location filename="../../views/conflicts_view.py" line="+59"/>
        <source>Contact</source>
        <translation>联系人</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+16"/>
        <source>Company</source>
        <translation>公司</translation>
    </message>
    <message>
        <location line="-15"/>
        <source>Deal</source>
        <translation>商机</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Activity</source>
        <translation>活动</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Task</source>
        <translation>任务</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Tag</source>
        <translation>标签</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Title</source>
        <translation>职位</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Phone</source>
        <translation>电话</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Email</source>
        <translation>邮箱</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Notes</source>
        <translation>备注</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Owner</source>
        <translation>负责人</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Tags</source>
        <translation>标签</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Industry</source>
        <translation>行业</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>City</source>
        <translation>城市</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Website</source>
        <translation>网站</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Stage</source>
        <translation>阶段</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Amount</source>
        <translation>金额</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Due</source>
        <translation>到期</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Done</source>
        <translation>已完成</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>(whole record)</source>
        <translation>（整条记录）</translation>
    </message>
    <message>
        <location line="+63"/>
        <source>(deleted)</source>
        <translation>（已删除）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>(the record, edited)</source>
        <translation>（已编辑的记录）</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>(empty)</source>
        <translation>（空）</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>yes</source>
        <translation>是</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>no</source>
        <translation>否</translation>
    </message>
    <message>
        <location line="+37"/>
        <source>The same field was changed here and elsewhere before they synced. The server kept one value; choose which one stays. Your choice syncs to everyone.</source>
        <translation>同一字段在同步前被这里和别处同时修改。服务器保留了其中一个值；请选择保留哪一个。你的选择会同步给所有人。</translation>
    </message>
    <message>
        <location line="+12"/>
        <location line="+42"/>
        <source>Record</source>
        <translation>记录</translation>
    </message>
    <message>
        <location line="-41"/>
        <source>Field</source>
        <translation>字段</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Before</source>
        <translation>修改前</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Mine</source>
        <translation>我的</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Theirs</source>
        <translation>对方的</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Changed by</source>
        <translation>修改人</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+36"/>
        <source>When</source>
        <translation>时间</translation>
    </message>
    <message>
        <location line="-29"/>
        <source>No conflicts to review.</source>
        <translation>没有待处理的冲突。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Keep mine</source>
        <translation>保留我的</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Keep theirs</source>
        <translation>保留对方的</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Edit…</source>
        <translation>编辑…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Type the value to keep</source>
        <translation>输入要保留的值</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>Fields</source>
        <translation>字段</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Changes the server refused</source>
        <translation>服务器拒绝的更改</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>These changes stay here but were not accepted by the server (for example, no permission for the record). Ask the record&apos;s owner or HQ.</source>
        <translation>这些更改保留在本机，但服务器没有接受（例如没有该记录的权限）。请联系记录负责人或总部。</translation>
    </message>
    <message>
        <location line="+145"/>
        <source>Resolve the conflict</source>
        <translation>解决冲突</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The value of {0} to keep (mine: {1}; theirs: {2}):</source>
        <translation>要保留的“{0}”值（我的：{1}；对方的：{2}）：</translation>
    </message>
</context>
<context>
    <name>ConsentDialog</name>
    <message>
        <location filename="../../views/consent_dialog.py" line="+63"/>
        <source>Email marketing</source>
        <translation>邮件营销</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Phone calls</source>
        <translation>电话联系</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>SMS</source>
        <translation>短信</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Processing of personal data</source>
        <translation>个人信息处理</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Profiling</source>
        <translation>用户画像</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sharing with third parties</source>
        <translation>向第三方提供</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Transfer abroad</source>
        <translation>跨境传输</translation>
    </message>
    <message>
        <location line="+6"/>
        <location line="+35"/>
        <source>Given</source>
        <translation>已同意</translation>
    </message>
    <message>
        <location line="-33"/>
        <location line="+34"/>
        <source>Withdrawn</source>
        <translation>已撤回</translation>
    </message>
    <message>
        <location line="-17"/>
        <source>Consents of {0}</source>
        <translation>{0} 的同意授权</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Purpose</source>
        <translation>目的</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>When</source>
        <translation>时间</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>How</source>
        <translation>方式</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>By</source>
        <translation>记录人</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>e.g. web form, phone call, signed paper</source>
        <translation>例如：网页表单、电话、纸质签字</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Record</source>
        <translation>记录</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Purpose:</source>
        <translation>目的：</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Status:</source>
        <translation>状态：</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>When:</source>
        <translation>时间：</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>How:</source>
        <translation>方式：</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Notes:</source>
        <translation>备注：</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>History (newest first):</source>
        <translation>历史记录（最新在前）：</translation>
    </message>
    <message>
        <location line="+202"/>
        <source>Export everything about {0}</source>
        <translation>导出 {0} 的全部数据</translation>
    </message>
    <message>
        <location line="+11"/>
        <location line="+8"/>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <location line="-7"/>
        <source>Everything about {0} was written to {1}</source>
        <translation>{0} 的全部数据已写入 {1}</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Consents…</source>
        <translation>同意授权…</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Export everything…</source>
        <translation>导出全部数据…</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Erase…</source>
        <translation>彻底删除…</translation>
    </message>
</context>
<context>
    <name>ContactDetail</name>
    <message>
        <location filename="../../views/contact_detail.py" line="+91"/>
        <location line="+79"/>
        <source>Select a contact to see its details.</source>
        <translation>选择一个联系人以查看详情。</translation>
    </message>
    <message>
        <location line="-60"/>
        <source>Log call</source>
        <translation>记录通话</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Edit</source>
        <translation>编辑</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Privacy</source>
        <translation>隐私</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Timeline</source>
        <translation>时间线</translation>
    </message>
    <message>
        <location line="+48"/>
        <source>Title</source>
        <translation>职位</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Company</source>
        <translation>公司</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Phone ({0})</source>
        <translation>电话（{0}）</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>mobile</source>
        <translation>手机</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Email ({0})</source>
        <translation>邮箱（{0}）</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>work</source>
        <translation>工作</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Birthday</source>
        <translation>生日</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Grade</source>
        <translation>等级</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Tags</source>
        <translation>标签</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Owner</source>
        <translation>负责人</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>email</source>
        <translation>邮件</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>calls</source>
        <translation>电话</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>SMS</source>
        <translation>短信</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Consent</source>
        <translation>同意授权</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>none recorded</source>
        <translation>未记录</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Notes</source>
        <translation>备注</translation>
    </message>
</context>
<context>
    <name>ContactEditor</name>
    <message>
        <location filename="../../views/contact_editor.py" line="+101"/>
        <source>Edit contact</source>
        <translation>编辑联系人</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>New contact</source>
        <translation>新建联系人</translation>
    </message>
    <message>
        <location line="+32"/>
        <source>Name *</source>
        <translation>姓名 *</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Company</source>
        <translation>公司</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Title</source>
        <translation>职位</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>mobile</source>
        <translation>手机</translation>
    </message>
    <message>
        <location line="+0"/>
        <location line="+4"/>
        <source>work</source>
        <translation>工作</translation>
    </message>
    <message>
        <location line="-4"/>
        <source>home</source>
        <translation>家庭</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Phones</source>
        <translation>电话</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>personal</source>
        <translation>个人</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Emails</source>
        <translation>邮箱</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Birthday</source>
        <translation>生日</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>YYYY-MM-DD</source>
        <translation>YYYY-MM-DD</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Grade</source>
        <translation>等级</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Tags</source>
        <translation>标签</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>comma-separated, e.g. VIP, 华东</source>
        <translation>用逗号分隔，例如 VIP, 华东</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Owner</source>
        <translation>负责人</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Notes</source>
        <translation>备注</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Consent</source>
        <translation>同意授权</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Email</source>
        <translation>邮件</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Calls</source>
        <translation>电话</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>SMS</source>
        <translation>短信</translation>
    </message>
</context>
<context>
    <name>ContactPicker</name>
    <message>
        <location filename="../../views/contact_picker.py" line="+75"/>
        <source>Type a name, company or phone…</source>
        <translation>输入姓名、公司或电话…</translation>
    </message>
</context>
<context>
    <name>ContactTableModel</name>
    <message>
        <location filename="../../views/contact_model.py" line="+77"/>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Company</source>
        <translation>公司</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Title</source>
        <translation>职位</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Phone</source>
        <translation>电话</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Email</source>
        <translation>邮箱</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Owner</source>
        <translation>负责人</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Tags</source>
        <translation>标签</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Last activity</source>
        <translation>最近活动</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Updated</source>
        <translation>更新时间</translation>
    </message>
</context>
<context>
    <name>ContactsView</name>
    <message>
        <location filename="../../views/contacts_view.py" line="+94"/>
        <source>Search contacts: name, pinyin, phone, email…</source>
        <translation>搜索联系人：姓名、拼音、电话、邮箱…</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Any company</source>
        <translation>全部公司</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Filter by a custom field</source>
        <translation>按自定义字段筛选</translation>
    </message>
    <message>
        <location line="+3"/>
        <location line="+366"/>
        <source>Value</source>
        <translation>值</translation>
    </message>
    <message>
        <location line="-361"/>
        <source>New contact</source>
        <translation>新建联系人</translation>
    </message>
    <message>
        <location line="+8"/>
        <location line="+308"/>
        <source>All tags</source>
        <translation>全部标签</translation>
    </message>
    <message>
        <location line="-307"/>
        <location line="+308"/>
        <source>All owners</source>
        <translation>全部负责人</translation>
    </message>
    <message>
        <location line="-307"/>
        <location line="+317"/>
        <source>Any field</source>
        <translation>任意字段</translation>
    </message>
    <message>
        <location line="-289"/>
        <location line="+89"/>
        <source>Delete contact</source>
        <translation>删除联系人</translation>
    </message>
    <message>
        <location line="-83"/>
        <source>Edit contact</source>
        <translation>编辑联系人</translation>
    </message>
    <message>
        <location line="+305"/>
        <source>Any value</source>
        <translation>任意值</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>YYYY-MM-DD</source>
        <translation>YYYY-MM-DD</translation>
    </message>
    <message>
        <source>Log a call</source>
        <translation type="obsolete">记录通话</translation>
    </message>
    <message>
        <location line="-234"/>
        <source>Delete {0}? Their tasks and activities are deleted too; deals are kept.</source>
        <translation>删除 {0}？其任务和活动也会一并删除；商机将保留。</translation>
    </message>
    <message numerus="yes">
        <location line="+127"/>
        <source>%n contact(s)</source>
        <translation>
            <numerusform>%n 个联系人</numerusform>
        </translation>
    </message>
    <message>
        <location line="+2"/>
        <source>first {0} matches</source>
        <translation>前 {0} 条匹配</translation>
    </message>
</context>
<context>
    <name>CustomFieldsPage</name>
    <message>
        <location filename="../../views/custom_fields_page.py" line="+50"/>
        <source>Contacts</source>
        <translation>联系人</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Companies</source>
        <translation>公司</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Deals</source>
        <translation>商机</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Text</source>
        <translation>文本</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Number</source>
        <translation>数字</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Date</source>
        <translation>日期</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Choice</source>
        <translation>单选</translation>
    </message>
    <message>
        <location line="+42"/>
        <source>Fields of:</source>
        <translation>字段所属：</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Label</source>
        <translation>名称</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Key</source>
        <translation>标识</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Type</source>
        <translation>类型</translation>
    </message>
    <message>
        <location line="+0"/>
        <location line="+46"/>
        <source>Required</source>
        <translation>必填</translation>
    </message>
    <message>
        <location line="-45"/>
        <source>Options</source>
        <translation>选项</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Move up</source>
        <translation>上移</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Move down</source>
        <translation>下移</translation>
    </message>
    <message>
        <source>Reordering fields needs a newer version of the app.</source>
        <translation type="vanished">调整字段顺序需要更新版本的应用。</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>New field</source>
        <translation>新建字段</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>e.g. Lead source</source>
        <translation>例如：客户来源</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>lead_source</source>
        <translation>ke_hu_lai_yuan</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The field&apos;s stable name in exports and sync: a-z, 0-9 and _.</source>
        <translation>字段在导出和同步中使用的固定名称：仅限 a-z、0-9 和 _。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>One option per line</source>
        <translation>每行一个选项</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Options:</source>
        <translation>选项：</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Add field</source>
        <translation>添加字段</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Label:</source>
        <translation>名称：</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Key:</source>
        <translation>标识：</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Type:</source>
        <translation>类型：</translation>
    </message>
    <message>
        <location line="+37"/>
        <source>Yes</source>
        <translation>是</translation>
    </message>
    <message>
        <location line="+68"/>
        <source>Field “{0}” added.</source>
        <translation>已添加字段“{0}”。</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>A field with this key already exists.</source>
        <translation>已有使用此标识的字段。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Enter a key.</source>
        <translation>请输入标识。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The key may hold only a-z, 0-9 and _, and not start with a digit.</source>
        <translation>标识只能包含 a-z、0-9 和 _，且不能以数字开头。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Enter a label.</source>
        <translation>请输入名称。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>A choice field needs at least one option.</source>
        <translation>单选字段至少需要一个选项。</translation>
    </message>
</context>
<context>
    <name>DashboardView</name>
    <message>
        <location filename="../../views/dashboard.py" line="+74"/>
        <source>Last 7 days</source>
        <translation>最近 7 天</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Last 30 days</source>
        <translation>最近 30 天</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Last 90 days</source>
        <translation>最近 90 天</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This year</source>
        <translation>今年</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Last 12 months</source>
        <translation>最近 12 个月</translation>
    </message>
    <message>
        <location line="+69"/>
        <source>All owners</source>
        <translation>全部负责人</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Refresh the dashboard</source>
        <translation>刷新仪表盘</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Period:</source>
        <translation>时间段：</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Owner:</source>
        <translation>负责人：</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Pipeline:</source>
        <translation>销售管道：</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Currency:</source>
        <translation>币种：</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Open pipeline value by stage</source>
        <translation>各阶段进行中商机金额</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Funnel: stage to stage</source>
        <translation>销售漏斗：阶段转化</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Won revenue by month</source>
        <translation>每月赢单收入</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Calls per day by owner</source>
        <translation>每位负责人每日通话数</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Weighted forecast by expected close</source>
        <translation>按预计成交月份的加权销售预测</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Activity mix</source>
        <translation>活动构成</translation>
    </message>
    <message>
        <location line="+23"/>
        <location line="+9"/>
        <source>Deal</source>
        <translation>商机</translation>
    </message>
    <message>
        <location line="-8"/>
        <location line="+9"/>
        <location line="+223"/>
        <location line="+37"/>
        <source>Stage</source>
        <translation>阶段</translation>
    </message>
    <message>
        <location line="-268"/>
        <location line="+9"/>
        <location line="+325"/>
        <source>Owner</source>
        <translation>负责人</translation>
    </message>
    <message>
        <location line="-333"/>
        <location line="+9"/>
        <source>Value</source>
        <translation>金额</translation>
    </message>
    <message>
        <location line="-8"/>
        <source>Idle days</source>
        <translation>停滞天数</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Expected close</source>
        <translation>预计成交日期</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Days overdue</source>
        <translation>逾期天数</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Charts</source>
        <translation>图表</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Forecast</source>
        <translation>销售预测</translation>
    </message>
    <message>
        <location line="+35"/>
        <source>Stale and overdue ({0})</source>
        <translation>停滞与已逾期 ({0})</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Stale deals: no activity or stage move for too long ({0})</source>
        <translation>停滞商机：长时间没有活动或阶段变化 ({0})</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Overdue: expected close date has passed ({0})</source>
        <translation>已逾期：已过预计成交日期 ({0})</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>Updating…</source>
        <translation>正在更新…</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>Updated in {0} ms</source>
        <translation>已更新，用时 {0} 毫秒</translation>
    </message>
    <message>
        <location line="+82"/>
        <source>Open value</source>
        <translation>进行中金额</translation>
    </message>
    <message>
        <location line="+0"/>
        <location line="+145"/>
        <location line="+8"/>
        <source>Weighted</source>
        <translation>加权金额</translation>
    </message>
    <message>
        <location line="-148"/>
        <source>{0}
Open value: {1}
Weighted ({2}%): {3}
Deals: {4}</source>
        <translation>{0}
进行中金额：{1}
加权金额 ({2}%)：{3}
商机数：{4}</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>Probability %</source>
        <translation>赢单概率 %</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+71"/>
        <location line="+53"/>
        <source>Currency</source>
        <translation>币种</translation>
    </message>
    <message>
        <location line="-123"/>
        <location line="+124"/>
        <source>Deals</source>
        <translation>商机数</translation>
    </message>
    <message>
        <location line="-103"/>
        <source>{0}
Deals that reached it: {1}</source>
        <translation>{0}
到达该阶段的商机：{1}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Went on to {0}: {1} ({2})</source>
        <translation>进入{0}：{1} ({2})</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Reached</source>
        <translation>到达</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Went on</source>
        <translation>进入下一阶段</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Conversion</source>
        <translation>转化率</translation>
    </message>
    <message>
        <location line="+36"/>
        <location line="+52"/>
        <source>Month</source>
        <translation>月份</translation>
    </message>
    <message>
        <location line="-37"/>
        <source>(no owner)</source>
        <translation>(无负责人)</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>{0}
{1}: {2} calls</source>
        <translation>{0}
{1}：{2} 次通话</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Day</source>
        <translation>日期</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Calls</source>
        <translation>通话数</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>{0}
Weighted: {1}
Best case: {2}
Deals: {3}</source>
        <translation>{0}
加权金额：{1}
最佳情况：{2}
商机数：{3}</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>Best case</source>
        <translation>最佳情况</translation>
    </message>
    <message>
        <location line="+25"/>
        <location line="+3"/>
        <source>Activities</source>
        <translation>活动数</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Share</source>
        <translation>占比</translation>
    </message>
</context>
<context>
    <name>DealCommands</name>
    <message>
        <location filename="../../views/deal_commands.py" line="+40"/>
        <source>Move {0} to {1}</source>
        <translation>将 {0} 移到 {1}</translation>
    </message>
    <message>
        <location line="+30"/>
        <source>Mark {0} won</source>
        <translation>将 {0} 标记为赢单</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Mark {0} lost</source>
        <translation>将 {0} 标记为输单</translation>
    </message>
    <message>
        <location line="+33"/>
        <source>New deal {0}</source>
        <translation>新建商机 {0}</translation>
    </message>
    <message>
        <location line="+33"/>
        <source>Edit deal {0}</source>
        <translation>编辑商机 {0}</translation>
    </message>
</context>
<context>
    <name>DealEditor</name>
    <message>
        <location filename="../../views/deal_editor.py" line="+98"/>
        <source>Edit deal</source>
        <translation>编辑商机</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>New deal</source>
        <translation>新建商机</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Title *</source>
        <translation>标题 *</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Company</source>
        <translation>公司</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Contact</source>
        <translation>联系人</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Value</source>
        <translation>金额</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Currency</source>
        <translation>币种</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Expected close</source>
        <translation>预计成交日期</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>YYYY-MM-DD</source>
        <translation>YYYY-MM-DD</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Stage</source>
        <translation>阶段</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Lost reason</source>
        <translation>输单原因</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Owner</source>
        <translation>负责人</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Notes</source>
        <translation>备注</translation>
    </message>
    <message>
        <location line="+96"/>
        <source>Pick one of the suggestions, or clear it.</source>
        <translation>请从建议中选择一项，或清空此字段。</translation>
    </message>
</context>
<context>
    <name>DealsBoard</name>
    <message>
        <location filename="../../views/deals_board_model.py" line="+147"/>
        <source>Expected close: {0}</source>
        <translation>预计成交日期：{0}</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The expected close date has passed.</source>
        <translation>已过预计成交日期。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>No activity for a while: follow up.</source>
        <translation>一段时间没有活动：请跟进。</translation>
    </message>
    <message>
        <location line="+86"/>
        <source>Stale</source>
        <translation>停滞</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Overdue</source>
        <translation>已逾期</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{0} days in stage</source>
        <translation>在此阶段 {0} 天</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{0} day in stage</source>
        <translation>在此阶段 {0} 天</translation>
    </message>
</context>
<context>
    <name>DealsBoardView</name>
    <message>
        <location filename="../../views/deals_board.py" line="+91"/>
        <source>Pipeline</source>
        <translation>销售管道</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Search deals: title, company, contact…</source>
        <translation>搜索商机：标题、公司、联系人…</translation>
    </message>
    <message>
        <location line="+3"/>
        <location line="+227"/>
        <source>All owners</source>
        <translation>全部负责人</translation>
    </message>
    <message>
        <location line="-225"/>
        <source>Expected close</source>
        <translation>预计成交日期</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Any close date</source>
        <translation>任意成交日期</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Overdue</source>
        <translation>已逾期</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Closing this week</source>
        <translation>本周成交</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Closing this month</source>
        <translation>本月成交</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Closing next month</source>
        <translation>下月成交</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Closing this quarter</source>
        <translation>本季度成交</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Closing this year</source>
        <translation>本年成交</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>No close date</source>
        <translation>无成交日期</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>New deal</source>
        <translation>新建商机</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Move to the previous stage</source>
        <translation>移到上一阶段</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Move to the next stage</source>
        <translation>移到下一阶段</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Edit deal…</source>
        <translation>编辑商机…</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Mark as won</source>
        <translation>标记为赢单</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Mark as lost…</source>
        <translation>标记为输单…</translation>
    </message>
    <message>
        <location line="+137"/>
        <source>This pipeline has no open stages. Add stages in Settings → Pipelines.</source>
        <translation>此销售管道没有进行中的阶段。请在“设置 → 销售管道”中添加阶段。</translation>
    </message>
    <message>
        <location line="+58"/>
        <source>Open deals: {0}</source>
        <translation>进行中的商机：{0}</translation>
    </message>
    <message>
        <location line="+106"/>
        <source>Deal lost</source>
        <translation>输单</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Why was “{0}” lost?</source>
        <translation>“{0}”的输单原因是什么？</translation>
    </message>
    <message>
        <location line="+29"/>
        <source>Move to</source>
        <translation>移到</translation>
    </message>
</context>
<context>
    <name>DemoPage</name>
    <message>
        <location filename="../../views/welcome.py" line="+154"/>
        <source>Demo data</source>
        <translation>演示数据</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Fictional contacts, companies, deals, calls and tasks show what the app can do. Leave this off to start with an empty store.</source>
        <translation>虚构的联系人、公司、商机、通话和任务，用来展示应用的功能。不勾选则从空数据库开始。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Load the demo dataset</source>
        <translation>加载演示数据集</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>{0} contacts</source>
        <translation>{0} 个联系人</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Create store</source>
        <translation>创建数据库</translation>
    </message>
</context>
<context>
    <name>DuplicateWarning</name>
    <message>
        <location filename="../../views/duplicates_view.py" line="+66"/>
        <source>This contact may already exist:</source>
        <translation>该联系人可能已存在：</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Open</source>
        <translation>打开</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Save anyway</source>
        <translation>仍然保存</translation>
    </message>
</context>
<context>
    <name>Duplicates</name>
    <message>
        <location line="-42"/>
        <source>same email</source>
        <translation>邮箱相同</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>same phone</source>
        <translation>电话相同</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>similar name at the same company</source>
        <translation>同一公司且姓名相似</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>same name (legal suffix ignored)</source>
        <translation>名称相同（忽略公司后缀）</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>, </source>
        <translation>、</translation>
    </message>
</context>
<context>
    <name>DuplicatesDialog</name>
    <message>
        <location line="+84"/>
        <source>Find duplicates</source>
        <translation>查找重复</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Contacts</source>
        <translation>联系人</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Companies</source>
        <translation>公司</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+39"/>
        <source>Looking for duplicates…</source>
        <translation>正在查找重复…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Contact</source>
        <translation>联系人</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Company</source>
        <translation>公司</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Possible duplicate</source>
        <translation>疑似重复</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Why</source>
        <translation>原因</translation>
    </message>
    <message>
        <location line="-27"/>
        <source>Merge…</source>
        <translation>合并…</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Scan again</source>
        <translation>重新查找</translation>
    </message>
    <message>
        <location line="+35"/>
        <source>{0} possible duplicates among {1} companies.</source>
        <translation>在 {1} 家公司中发现 {0} 组疑似重复。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>{0} possible duplicates among {1} contacts.</source>
        <translation>在 {1} 个联系人中发现 {0} 组疑似重复。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>The scan failed: {0}</source>
        <translation>查找失败：{0}</translation>
    </message>
    <message>
        <location line="+38"/>
        <source>Merged. {0} possible duplicates left.</source>
        <translation>已合并。还剩 {0} 组疑似重复。</translation>
    </message>
</context>
<context>
    <name>EraseDialog</name>
    <message>
        <location filename="../../views/consent_dialog.py" line="-150"/>
        <source>Erase {0}</source>
        <translation>彻底删除 {0}</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>This erases {0} and their personal data: the contact, consents, activities and tasks; deals stay without the link. It is removed here, on the company server and on every device when they sync, and cannot be undone.

Type the name to confirm:</source>
        <translation>这将彻底删除 {0} 及其个人信息：联系人、同意授权、活动和任务；商机保留，但不再关联此人。数据将从本机、公司服务器以及同步后的每台设备上删除，且无法撤销。

请输入姓名以确认：</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Reason (kept in the audit log)</source>
        <translation>原因（记入审计日志）</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Erase</source>
        <translation>彻底删除</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>Looking for mentions in other records…</source>
        <translation>正在查找其他记录中提到此人的内容…</translation>
    </message>
</context>
<context>
    <name>Errors</name>
    <message>
        <location filename="../../views/messages.py" line="+31"/>
        <source>Wrong passphrase. Nothing was changed; try again.</source>
        <translation>密码短语错误。未做任何更改，请重试。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>That record no longer exists (deleted here or by a sync).</source>
        <translation>该记录已不存在（已在本机删除或被同步删除）。</translation>
    </message>
</context>
<context>
    <name>FilePage</name>
    <message>
        <location filename="../../views/import_wizard.py" line="-302"/>
        <source>Choose a file</source>
        <translation>选择文件</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>A CSV export (Excel, WPS, Google, Outlook) or a vCard file (.vcf) from a phone or Outlook.</source>
        <translation>CSV 导出文件（Excel、WPS、Google、Outlook），或来自手机、Outlook 的 vCard 文件（.vcf）。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Import contacts</source>
        <translation>导入联系人</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Contacts (*.csv *.txt *.vcf *.vcard);;All files (*)</source>
        <translation>联系人 (*.csv *.txt *.vcf *.vcard);;所有文件 (*)</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Reading…</source>
        <translation>正在读取…</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>vCard file: {0} cards.</source>
        <translation>vCard 文件：{0} 张名片。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>CSV file: {0} rows, {1} columns.</source>
        <translation>CSV 文件：{0} 行，{1} 列。</translation>
    </message>
</context>
<context>
    <name>ForecastView</name>
    <message>
        <location filename="../../views/forecast_view.py" line="+79"/>
        <source>Set the target of {0}</source>
        <translation>设置 {0} 的目标</translation>
    </message>
    <message>
        <location line="+35"/>
        <source>Forecast against target</source>
        <translation>销售预测与目标对比</translation>
    </message>
    <message>
        <location line="+4"/>
        <location line="+139"/>
        <source>Month</source>
        <translation>月份</translation>
    </message>
    <message>
        <location line="-138"/>
        <location line="+140"/>
        <source>Deals</source>
        <translation>商机数</translation>
    </message>
    <message>
        <location line="-139"/>
        <location line="+140"/>
        <source>Committed (weighted)</source>
        <translation>承诺金额（加权）</translation>
    </message>
    <message>
        <location line="-139"/>
        <location line="+108"/>
        <location line="+32"/>
        <source>Best case</source>
        <translation>最佳情况</translation>
    </message>
    <message>
        <location line="-139"/>
        <location line="+107"/>
        <location line="+33"/>
        <source>Target</source>
        <translation>目标</translation>
    </message>
    <message>
        <location line="-139"/>
        <source>Committed / target</source>
        <translation>承诺 / 目标</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Type a target in the Target column (empty clears it). Targets are saved on this computer, per month and currency.</source>
        <translation>在“目标”列输入目标金额（留空即清除）。目标按月份和币种保存在本机。</translation>
    </message>
    <message>
        <location line="+68"/>
        <source>Target for {0} in {1}</source>
        <translation>{0} 的目标（{1}）</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>Committed</source>
        <translation>承诺金额</translation>
    </message>
    <message>
        <location line="+29"/>
        <source>Currency</source>
        <translation>币种</translation>
    </message>
</context>
<context>
    <name>FormatPage</name>
    <message>
        <location filename="../../views/import_wizard.py" line="+22"/>
        <source>Encoding and delimiter</source>
        <translation>编码和分隔符</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Detected from the file; change them if the preview looks wrong.</source>
        <translation>已根据文件自动识别；如预览显示有误，请修改。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Encoding:</source>
        <translation>编码：</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Delimiter:</source>
        <translation>分隔符：</translation>
    </message>
    <message>
        <location line="+31"/>
        <source>Reading…</source>
        <translation>正在读取…</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>{0} rows; {1} rows cannot be read.</source>
        <translation>{0} 行；{1} 行无法读取。</translation>
    </message>
</context>
<context>
    <name>GeneralPage</name>
    <message>
        <location filename="../../views/settings_dialog.py" line="+55"/>
        <location line="+7"/>
        <source>System</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Light</source>
        <translation>浅色</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Dark</source>
        <translation>深色</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The new language applies when you restart crm-desktop.</source>
        <translation>新语言将在重新启动 crm-desktop 后生效。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Language:</source>
        <translation>语言：</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Theme:</source>
        <translation>主题：</translation>
    </message>
</context>
<context>
    <name>ImportPage</name>
    <message>
        <location filename="../../views/import_wizard.py" line="+201"/>
        <source>Import</source>
        <translation>导入</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Undo this import</source>
        <translation>撤销本次导入</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Importing…</source>
        <translation>正在导入…</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Imported {0} contacts; {1} skipped.</source>
        <translation>已导入 {0} 个联系人；跳过 {1} 个。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Nothing was skipped.</source>
        <translation>没有跳过任何内容。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>The import failed: {0}</source>
        <translation>导入失败：{0}</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>The import was undone.</source>
        <translation>本次导入已撤销。</translation>
    </message>
</context>
<context>
    <name>ImportWizard</name>
    <message>
        <location line="-506"/>
        <source>Import {0} contacts</source>
        <translation>导入 {0} 个联系人</translation>
    </message>
    <message>
        <location line="+58"/>
        <source>Import contacts</source>
        <translation>导入联系人</translation>
    </message>
</context>
<context>
    <name>IntegrityWatch</name>
    <message>
        <location filename="../../views/security_page.py" line="+56"/>
        <source>The store is damaged:
{0}</source>
        <translation>数据库已损坏：
{0}</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>No automatic backup was found. Make a copy of your data folder and contact support.</source>
        <translation>未找到自动备份。请复制您的数据文件夹并联系技术支持。</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Restore the newest backup, of {0}? The damaged store is kept aside; crm-desktop closes after restoring.</source>
        <translation>恢复最新的备份（{0}）？损坏的数据库会另行保留；恢复后 crm-desktop 将关闭。</translation>
    </message>
</context>
<context>
    <name>LockScreen</name>
    <message>
        <location filename="../../views/lock.py" line="-82"/>
        <source>crm-desktop is locked</source>
        <translation>crm-desktop 已锁定</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Your data is encrypted and closed. Unlock to continue.</source>
        <translation>您的数据已加密并关闭。解锁后继续。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Unlock…</source>
        <translation>解锁…</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../views/main_window.py" line="+123"/>
        <source>Dashboard</source>
        <translation>仪表盘</translation>
    </message>
    <message>
        <location line="+5"/>
        <location filename="../../views/self_test.py" line="+174"/>
        <source>Contacts</source>
        <translation>联系人</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Companies</source>
        <translation>公司</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Deals</source>
        <translation>商机</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Activities</source>
        <translation>活动</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Tasks</source>
        <translation>任务</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Conflicts</source>
        <translation>冲突</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>crm-desktop</source>
        <translation>crm-desktop</translation>
    </message>
    <message>
        <location line="+61"/>
        <source>&amp;New…</source>
        <translation>新建(&amp;N)…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Log a call…</source>
        <translation>记录通话(&amp;L)…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Find</source>
        <translation>查找(&amp;F)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Undo</source>
        <translation>撤销(&amp;U)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Redo</source>
        <translation>重做(&amp;R)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;Refresh</source>
        <translation>刷新(&amp;R)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Sync now</source>
        <translation>立即同步(&amp;S)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Settings…</source>
        <translation>设置(&amp;S)…</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;About crm-desktop</source>
        <translation>关于 crm-desktop(&amp;A)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Loc&amp;k</source>
        <translation>锁定(&amp;K)</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>&amp;Audit log…</source>
        <translation>审计日志(&amp;A)…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;Import…</source>
        <translation>导入(&amp;I)…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Find &amp;duplicates…</source>
        <translation>查找重复(&amp;D)…</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>&amp;Edit</source>
        <translation>编辑(&amp;E)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Main</source>
        <translation>主工具栏</translation>
    </message>
    <message>
        <location line="+32"/>
        <source>Encrypted store: {0}</source>
        <translation>加密数据库：{0}</translation>
    </message>
    <message>
        <source>Sync: not signed in</source>
        <translation type="vanished">同步：未登录</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Working…</source>
        <translation>处理中…</translation>
    </message>
    <message>
        <location line="+84"/>
        <source>About crm-desktop</source>
        <translation>关于 crm-desktop</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&lt;h3&gt;crm-desktop {0}&lt;/h3&gt;&lt;p&gt;An offline-first CRM for field sales. Your data is kept in an encrypted store on this computer and syncs with your company&apos;s server when you are online.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;crm-desktop {0}&lt;/h3&gt;&lt;p&gt;面向外勤销售的离线优先 CRM。您的数据保存在本机的加密数据库中，联网时与公司服务器同步。&lt;/p&gt;</translation>
    </message>
</context>
<context>
    <name>MappingPage</name>
    <message>
        <location filename="../../views/import_wizard.py" line="+209"/>
        <source>Columns</source>
        <translation>列</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Which contact field each column holds (guessed from the headers).</source>
        <translation>每一列对应的联系人字段（根据表头推测）。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Column</source>
        <translation>列</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Field</source>
        <translation>字段</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>First value</source>
        <translation>第一个值</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>(not imported)</source>
        <translation>（不导入）</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Map a column to the name.</source>
        <translation>请将一列对应到姓名。</translation>
    </message>
</context>
<context>
    <name>MentionsDialog</name>
    <message>
        <location filename="../../views/mentions_dialog.py" line="+33"/>
        <source>Contact</source>
        <translation>联系人</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Company</source>
        <translation>公司</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Deal</source>
        <translation>商机</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Task</source>
        <translation>任务</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Activity</source>
        <translation>活动</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Consent record</source>
        <translation>同意授权记录</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Custom field {0}</source>
        <translation>自定义字段 {0}</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+20"/>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location line="-19"/>
        <source>Title</source>
        <translation>标题</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Subject</source>
        <translation>主题</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Notes</source>
        <translation>备注</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Emails</source>
        <translation>邮箱</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Email</source>
        <translation>邮箱</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Phones</source>
        <translation>电话</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Phone</source>
        <translation>电话</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Lost reason</source>
        <translation>输单原因</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>How</source>
        <translation>方式</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Record</source>
        <translation>记录</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Field</source>
        <translation>字段</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Text</source>
        <translation>文本</translation>
    </message>
    <message>
        <location line="+30"/>
        <source>No other records mention {0}.</source>
        <translation>没有其他记录提到 {0}。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>%n field(s) of other records mention {0}. They were not changed: open each one (double-click) and remove what is about the erased person.</source>
        <translation>其他记录中有 %n 个字段提到 {0}。这些内容未被修改：请逐一打开（双击），删除其中有关已彻底删除人员的内容。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>%n field(s) of other records mention {0}; they are not changed. Review them after erasing:</source>
        <translation>其他记录中有 %n 个字段提到 {0}，这些内容不会被修改。请在彻底删除后逐一检查：</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Only the first ones are listed.</source>
        <translation>仅列出了前面一部分。</translation>
    </message>
</context>
<context>
    <name>MergeCommands</name>
    <message>
        <location filename="../../views/merge_commands.py" line="+32"/>
        <source>The merge cannot be undone: the record it kept was deleted since.</source>
        <translation>无法撤销合并：合并时保留的记录此后已被删除。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The merge cannot be undone: the merged-away record exists again.</source>
        <translation>无法撤销合并：被合并的记录已再次存在。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>These two were merged the other way round already.</source>
        <translation>这两条记录已经按相反方向合并过了。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>A record cannot be merged with itself.</source>
        <translation>记录不能与自身合并。</translation>
    </message>
    <message>
        <location line="+66"/>
        <source>Merge</source>
        <translation>合并</translation>
    </message>
    <message>
        <location filename="../../views/merge_dialog.py" line="+256"/>
        <source>Merge {0} into {1}</source>
        <translation>将 {0} 合并到 {1}</translation>
    </message>
</context>
<context>
    <name>MergeDialog</name>
    <message>
        <location line="-154"/>
        <source>Merge contacts</source>
        <translation>合并联系人</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Merge companies</source>
        <translation>合并公司</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Keep the other one</source>
        <translation>保留另一个</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Merge</source>
        <translation>合并</translation>
    </message>
    <message>
        <source>“{0}” is merged into “{1}”. Every activity, task, deal and tag of both is kept; phones and emails are combined. Choose the value to keep where they differ.</source>
        <translation type="vanished">“{0}”将合并到“{1}”。两者的所有活动、任务、商机和标签都会保留；电话和邮箱会合并。对于不同的字段，请选择要保留的值。</translation>
    </message>
    <message>
        <location line="+30"/>
        <source>Field</source>
        <translation>字段</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Kept company</source>
        <translation>保留的公司</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Merged-away company</source>
        <translation>被合并的公司</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Kept contact</source>
        <translation>保留的联系人</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Merged-away contact</source>
        <translation>被合并的联系人</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Both: {0}</source>
        <translation>两者合并：{0}</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>“{0}” is merged into “{1}”. Its contacts, deals, activities and tasks move to “{1}”; tags are combined. Choose the value to keep where they differ. Edit → Undo takes the merge back.</source>
        <translation>“{0}”将合并到“{1}”。它的联系人、商机、活动和任务都会转到“{1}”；标签会合并。对于不同的字段，请选择要保留的值。可通过“编辑 → 撤销”撤回合并。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>“{0}” is merged into “{1}”. Every activity, task, deal and tag of both is kept; phones and emails are combined. Choose the value to keep where they differ. Edit → Undo takes the merge back.</source>
        <translation>“{0}”将合并到“{1}”。两者的所有活动、任务、商机和标签都会保留；电话和邮箱会合并。对于不同的字段，请选择要保留的值。可通过“编辑 → 撤销”撤回合并。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Industry</source>
        <translation>行业</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Website</source>
        <translation>网站</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Phone</source>
        <translation>电话</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Email</source>
        <translation>邮箱</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>City</source>
        <translation>城市</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Country</source>
        <translation>国家/地区</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Company</source>
        <translation>公司</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Title</source>
        <translation>职位</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Phones</source>
        <translation>电话</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Emails</source>
        <translation>邮箱</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Birthday</source>
        <translation>生日</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Grade</source>
        <translation>等级</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Tags</source>
        <translation>标签</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Owner</source>
        <translation>负责人</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Notes</source>
        <translation>备注</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>May email</source>
        <translation>同意邮件联系</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>May call</source>
        <translation>同意电话联系</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>May text</source>
        <translation>同意短信联系</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>(empty)</source>
        <translation>（空）</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>yes</source>
        <translation>是</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>no</source>
        <translation>否</translation>
    </message>
</context>
<context>
    <name>MergeIntoDialog</name>
    <message>
        <location line="+54"/>
        <source>Merge into…</source>
        <translation>合并到…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Merge “{0}” into which company? Type its name, pinyin or initials.</source>
        <translation>将“{0}”合并到哪家公司？请输入公司名称、拼音或拼音首字母。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Company to keep</source>
        <translation>要保留的公司</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Next…</source>
        <translation>下一步…</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Pick another company.</source>
        <translation>请选择另一家公司。</translation>
    </message>
</context>
<context>
    <name>PassphrasePage</name>
    <message>
        <location filename="../../views/welcome.py" line="-76"/>
        <source>Choose a passphrase</source>
        <translation>设置密码短语</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>It encrypts your data. Without it the data cannot be recovered: keep it somewhere safe.</source>
        <translation>它用于加密您的数据。没有它，数据将无法恢复：请妥善保管。</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Passphrase:</source>
        <translation>密码短语：</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Repeat it:</source>
        <translation>再次输入：</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>At least {0} characters.</source>
        <translation>至少 {0} 个字符。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Strength: weak</source>
        <translation>强度：弱</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Strength: fair</source>
        <translation>强度：一般</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Strength: good</source>
        <translation>强度：良好</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Strength: strong</source>
        <translation>强度：强</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The passphrases do not match.</source>
        <translation>两次输入的密码短语不一致。</translation>
    </message>
</context>
<context>
    <name>PipelinesPage</name>
    <message>
        <location filename="../../views/pipelines_page.py" line="+69"/>
        <source>New…</source>
        <translation>新建…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Rename…</source>
        <translation>重命名…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Pipelines</source>
        <translation>销售管道</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Stages</source>
        <translation>阶段</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Stage</source>
        <translation>阶段</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Win probability</source>
        <translation>赢单概率</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Stale after</source>
        <translation>停滞判定</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Add stage…</source>
        <translation>添加阶段…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Move up</source>
        <translation>上移</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Move down</source>
        <translation>下移</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Delete stage…</source>
        <translation>删除阶段…</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Double-click a name to rename the stage. Win probability weights the board&apos;s totals; a deal is marked stale after the given days without activity, edit or move.</source>
        <translation>双击名称可重命名阶段。赢单概率用于计算看板的加权金额；商机在指定天数内没有活动、编辑或阶段变更时标记为停滞。</translation>
    </message>
    <message>
        <location line="+33"/>
        <location line="+274"/>
        <source>Delete stage</source>
        <translation>删除阶段</translation>
    </message>
    <message>
        <location line="-273"/>
        <source>Deals in “{0}”: {1}. Move them to:</source>
        <translation>“{0}”中的商机：{1} 个。将它们移到：</translation>
    </message>
    <message>
        <location line="+57"/>
        <source>Stages of “{0}”</source>
        <translation>“{0}”的阶段</translation>
    </message>
    <message>
        <location line="+9"/>
        <location line="+12"/>
        <source>Deals in this stage: {0}</source>
        <translation>此阶段的商机：{0} 个</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Never</source>
        <translation>从不</translation>
    </message>
    <message>
        <location line="+1"/>
        <source> days</source>
        <translation> 天</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Won</source>
        <translation>赢单</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Lost</source>
        <translation>输单</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Open</source>
        <translation>进行中</translation>
    </message>
    <message>
        <location line="+59"/>
        <source>New pipeline</source>
        <translation>新建销售管道</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Name of the new pipeline:</source>
        <translation>新销售管道的名称：</translation>
    </message>
    <message>
        <location line="+32"/>
        <source>Rename pipeline</source>
        <translation>重命名销售管道</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>New name:</source>
        <translation>新名称：</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Delete the pipeline “{0}” and its stages?</source>
        <translation>删除销售管道“{0}”及其所有阶段？</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Delete pipeline</source>
        <translation>删除销售管道</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Add stage</source>
        <translation>添加阶段</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Name of the new stage:</source>
        <translation>新阶段的名称：</translation>
    </message>
    <message>
        <location line="+52"/>
        <source>“{0}” holds deals and no other stage of its kind can take them: add one first.</source>
        <translation>“{0}”中有商机，且没有其他同类阶段可以接收：请先添加一个。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Delete the stage “{0}”?</source>
        <translation>删除阶段“{0}”？</translation>
    </message>
</context>
<context>
    <name>Reminders</name>
    <message>
        <location filename="../../views/reminders.py" line="+106"/>
        <source>Task reminder</source>
        <translation>任务提醒</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{0} task reminders</source>
        <translation>{0} 个任务提醒</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>…and {0} more</source>
        <translation>…还有 {0} 个</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>{0} (due {1})</source>
        <translation>{0}（{1} 到期）</translation>
    </message>
</context>
<context>
    <name>ReviewMentionsDialog</name>
    <message>
        <location filename="../../views/mentions_dialog.py" line="+29"/>
        <source>Review mentions of {0}</source>
        <translation>检查提到 {0} 的记录</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Open</source>
        <translation>打开</translation>
    </message>
</context>
<context>
    <name>RevokedDialog</name>
    <message>
        <location filename="../../views/revoked.py" line="+71"/>
        <source>HQ has revoked this device and asked for its local data to be removed, but the files could not all be deleted ({0}). Delete the folder {1} by hand.</source>
        <translation>总部已撤销此设备并要求删除本地数据，但部分文件无法删除（{0}）。请手动删除文件夹 {1}。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>HQ has revoked this device and asked for its local data to be removed. The encrypted store on this computer was wiped ({0} files). crm-desktop will close now; ask HQ if you need access again.</source>
        <translation>总部已撤销此设备并要求删除本地数据。这台电脑上的加密数据库已被清除（{0} 个文件）。crm-desktop 现在将关闭；如需再次访问，请联系总部。</translation>
    </message>
    <message>
        <location line="+8"/>
        <location line="+16"/>
        <source>Device revoked</source>
        <translation>设备已被撤销</translation>
    </message>
    <message>
        <location line="-7"/>
        <source>HQ has revoked this device&apos;s access, so it is signed out. Your data stays on this computer; changes not sent yet are kept. Ask HQ before signing in again.</source>
        <translation>总部已撤销此设备的访问权限，因此已退出登录。你的数据仍保留在这台电脑上，尚未发送的更改也会保留。重新登录前请先联系总部。</translation>
    </message>
</context>
<context>
    <name>SecurityPage</name>
    <message>
        <location filename="../../views/security_page.py" line="-539"/>
        <source>Every hour</source>
        <translation>每小时</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Every 6 hours</source>
        <translation>每 6 小时</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Every 12 hours</source>
        <translation>每 12 小时</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Daily</source>
        <translation>每天</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Weekly</source>
        <translation>每周</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Every {0} hours</source>
        <translation>每 {0} 小时</translation>
    </message>
    <message>
        <location line="+45"/>
        <source>Automatic backups</source>
        <translation>自动备份</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Back up the store automatically</source>
        <translation>自动备份数据库</translation>
    </message>
    <message>
        <location line="+6"/>
        <source> backups</source>
        <translation> 份备份</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Choose…</source>
        <translation>选择…</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>How often:</source>
        <translation>频率：</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Keep the newest:</source>
        <translation>保留最新的：</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Folder:</source>
        <translation>文件夹：</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Backups</source>
        <translation>备份</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Back up now</source>
        <translation>立即备份</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Restore…</source>
        <translation>恢复…</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Auto-lock</source>
        <translation>自动锁定</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Never</source>
        <translation>从不</translation>
    </message>
    <message>
        <location line="+1"/>
        <source> min</source>
        <translation> 分钟</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>After this many minutes without keyboard or mouse input the window is locked and the store&apos;s key is closed; Ctrl+Shift+L locks at once.</source>
        <translation>在这么多分钟内没有键盘或鼠标操作时，窗口将锁定，数据库密钥随之关闭；按 Ctrl+Shift+L 立即锁定。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Lock after:</source>
        <translation>锁定时间：</translation>
    </message>
    <message>
        <location line="+79"/>
        <source>Last backup: {0}</source>
        <translation>上次备份：{0}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>No backup yet.</source>
        <translation>尚无备份。</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Folder for backups</source>
        <translation>备份文件夹</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>Backing up…</source>
        <translation>正在备份…</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Backup written and verified: {0}</source>
        <translation>备份已写入并校验：{0}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>({0} old backups removed)</source>
        <translation>（已删除 {0} 份旧备份）</translation>
    </message>
    <message>
        <location line="+19"/>
        <location line="+30"/>
        <location line="+45"/>
        <location line="+5"/>
        <source>Restore a backup</source>
        <translation>恢复备份</translation>
    </message>
    <message>
        <location line="-78"/>
        <source>Replace the store with the backup of {0}?

Everything changed since then is replaced (the current store is kept aside in the data folder). crm-desktop closes after restoring; start it again.</source>
        <translation>用 {0} 的备份替换当前数据库？

此后的所有更改都将被替换（当前数据库会另存于数据文件夹中）。恢复后 crm-desktop 将关闭，请重新启动。</translation>
    </message>
    <message>
        <location line="+29"/>
        <source>The store&apos;s passphrase (the backup opens with it):</source>
        <translation>数据库的密码短语（用于打开备份）：</translation>
    </message>
    <message>
        <location line="+31"/>
        <location line="+65"/>
        <source>Restoring the backup…</source>
        <translation>正在恢复备份…</translation>
    </message>
    <message>
        <location line="-59"/>
        <source>Opening the store…</source>
        <translation>正在打开数据库…</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>The backup was restored. crm-desktop will close now; start it again.</source>
        <translation>备份已恢复。crm-desktop 现在将关闭，请重新启动。</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>No automatic backup was found. Nothing was changed. The app will close.</source>
        <translation>未找到自动备份。未做任何更改。应用将关闭。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Restore the newest backup, of {0}? The damaged store is kept aside.</source>
        <translation>恢复最新的备份（{0}）？损坏的数据库会另行保留。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Restore the backup</source>
        <translation>恢复备份</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <location filename="../../views/settings_dialog.py" line="+47"/>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>General</source>
        <translation>常规</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Fields</source>
        <translation>字段</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Pipelines</source>
        <translation>销售管道</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Account</source>
        <translation>账户</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Backups &amp; security</source>
        <translation>备份与安全</translation>
    </message>
</context>
<context>
    <name>SetupPage</name>
    <message>
        <location filename="../../views/welcome.py" line="+135"/>
        <source>Setting up</source>
        <translation>正在设置</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Stop loading</source>
        <translation>停止加载</translation>
    </message>
</context>
<context>
    <name>StageColumn</name>
    <message>
        <location filename="../../views/deals_board.py" line="-508"/>
        <source>{0} · {1}</source>
        <translation>{0} · {1}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Total {0}
Weighted ({1}%) {2}</source>
        <translation>总额 {0}
加权（{1}%）{2}</translation>
    </message>
</context>
<context>
    <name>StoreOpening</name>
    <message>
        <location filename="../../views/lock.py" line="+124"/>
        <location filename="../../views/store_opening.py" line="+240"/>
        <source>Opening the store…</source>
        <translation>正在打开数据库…</translation>
    </message>
    <message>
        <location filename="../../views/store_opening.py" line="+8"/>
        <source>Nothing was changed. The app will close.</source>
        <translation>未做任何更改。应用将关闭。</translation>
    </message>
</context>
<context>
    <name>SyncController</name>
    <message>
        <location filename="../../views/sync_controller.py" line="+201"/>
        <source>Offline: the server cannot be reached. Your changes stay queued.</source>
        <translation>离线：无法连接服务器。你的更改会保留在队列中。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The server&apos;s certificate could not be verified ({0}), so nothing was sent. If HQ uses its own certificate authority, choose its certificate file; otherwise check the address.</source>
        <translation>无法验证服务器的证书（{0}），因此没有发送任何数据。如果总部使用自己的证书颁发机构，请选择其证书文件；否则请检查地址。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Wrong user name or password.</source>
        <translation>用户名或密码错误。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The server no longer accepts this device&apos;s sign-in: sign in again in Settings → Account. Your changes stay queued.</source>
        <translation>服务器不再接受此设备的登录：请在“设置 → 账户”中重新登录。你的更改会保留在队列中。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The server refused access: {0}</source>
        <translation>服务器拒绝访问：{0}</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>HQ has revoked this device&apos;s access.</source>
        <translation>总部已撤销此设备的访问权限。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>This app and the server do not speak the same sync version: update the one that is older. Your changes stay queued.</source>
        <translation>本应用与服务器的同步版本不一致：请更新较旧的一方。你的更改会保留在队列中。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The server failed or refused the request: {0}</source>
        <translation>服务器出错或拒绝了请求：{0}</translation>
    </message>
    <message>
        <location line="+4"/>
        <location line="+229"/>
        <source>Not signed in: sign in to your server in Settings → Account.</source>
        <translation>未登录：请在“设置 → 账户”中登录你的服务器。</translation>
    </message>
    <message>
        <location line="-225"/>
        <source>This address uses plain http: the password and data would travel unencrypted.</source>
        <translation>此地址使用明文 http：密码和数据将以未加密方式传输。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>That is not a server address: give one like https://hq.example.com.</source>
        <translation>这不是服务器地址：请填写类似 https://hq.example.com 的地址。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Enter your user name.</source>
        <translation>请输入用户名。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Enter your password.</source>
        <translation>请输入密码。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>This device is signed in to another account: sign out first.</source>
        <translation>此设备已登录另一个账户：请先退出登录。</translation>
    </message>
</context>
<context>
    <name>SyncStatusWidget</name>
    <message>
        <location filename="../../views/sync_status.py" line="+35"/>
        <source>Not synced yet</source>
        <translation>尚未同步</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Synced just now</source>
        <translation>刚刚已同步</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Synced %n min ago</source>
        <translation>%n 分钟前已同步</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Synced on {0}</source>
        <translation>已于 {0} 同步</translation>
    </message>
    <message numerus="yes">
        <location line="+69"/>
        <source>%n change(s) to send</source>
        <translation>
            <numerusform>%n 项更改待发送</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+5"/>
        <source>%n conflict(s)</source>
        <translation>
            <numerusform>%n 个冲突</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>%n rejected</source>
        <translation>
            <numerusform>%n 项被拒绝</numerusform>
        </translation>
    </message>
    <message>
        <location line="+3"/>
        <source>{0} on {1}</source>
        <translation>{1} 上的 {0}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Sync: not signed in</source>
        <translation>同步：未登录</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Sign in in Settings → Account.</source>
        <translation>请在“设置 → 账户”中登录。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Syncing… sent {0} of {1}</source>
        <translation>正在同步… 已发送 {0}/{1}</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Syncing… received {0}</source>
        <translation>正在同步… 已接收 {0}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Syncing…</source>
        <translation>正在同步…</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Offline</source>
        <translation>离线</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Sync error: {0}</source>
        <translation>同步出错：{0}</translation>
    </message>
</context>
<context>
    <name>TaskDialog</name>
    <message>
        <location filename="../../views/task_dialog.py" line="+63"/>
        <source>New task</source>
        <translation>新建任务</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>What needs doing?</source>
        <translation>需要做什么？</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Due</source>
        <translation>到期</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Remind me</source>
        <translation>提醒我</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Task</source>
        <translation>任务</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Contact</source>
        <translation>联系人</translation>
    </message>
    <message>
        <location line="+27"/>
        <source>Give the task a title.</source>
        <translation>请填写任务标题。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Choose a contact from the list, or clear the field.</source>
        <translation>请从列表中选择联系人，或清空此项。</translation>
    </message>
</context>
<context>
    <name>TasksView</name>
    <message>
        <location filename="../../views/tasks_view.py" line="+67"/>
        <source>Task</source>
        <translation>任务</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Due</source>
        <translation>到期</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Contact</source>
        <translation>联系人</translation>
    </message>
    <message>
        <location line="+163"/>
        <source>New task…</source>
        <translation>新建任务…</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Overdue ({0})</source>
        <translation>已逾期 ({0})</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Today ({0})</source>
        <translation>今天 ({0})</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Upcoming ({0})</source>
        <translation>即将到期 ({0})</translation>
    </message>
</context>
<context>
    <name>Timeline</name>
    <message>
        <location filename="../../views/timeline.py" line="+20"/>
        <source>Call</source>
        <translation>通话</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Meeting</source>
        <translation>会议</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Email</source>
        <translation>邮件</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Visit</source>
        <translation>拜访</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Task</source>
        <translation>任务</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Task done</source>
        <translation>任务完成</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Deal created</source>
        <translation>商机已创建</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Deal moved</source>
        <translation>商机阶段变更</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Deal won</source>
        <translation>商机赢单</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Deal lost</source>
        <translation>商机输单</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>inbound</source>
        <translation>呼入</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>outbound</source>
        <translation>呼出</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>connected</source>
        <translation>已接通</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>no answer</source>
        <translation>无人接听</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>busy</source>
        <translation>占线</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>voicemail</source>
        <translation>语音信箱</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>wrong number</source>
        <translation>号码错误</translation>
    </message>
</context>
<context>
    <name>TimelineList</name>
    <message>
        <location line="+42"/>
        <source>No activities yet.</source>
        <translation>暂无活动。</translation>
    </message>
</context>
<context>
    <name>UnlockDialog</name>
    <message>
        <location filename="../../views/unlock.py" line="+56"/>
        <source>Unlock crm-desktop</source>
        <translation>解锁 crm-desktop</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Your data is encrypted. Enter the passphrase to unlock it.</source>
        <translation>您的数据已加密。请输入密码短语解锁。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Store: {0}</source>
        <translation>数据库：{0}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Passphrase</source>
        <translation>密码短语</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Unlock</source>
        <translation>解锁</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
</context>
<context>
    <name>WelcomePage</name>
    <message>
        <location filename="../../views/welcome.py" line="-208"/>
        <source>Welcome to crm-desktop</source>
        <translation>欢迎使用 crm-desktop</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>crm-desktop keeps your customers, calls, deals and tasks on this computer, encrypted, and works without a network. Let&apos;s set up your store.</source>
        <translation>crm-desktop 将您的客户、通话、商机和任务加密保存在这台电脑上，无需网络即可使用。现在来设置您的数据库。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>The key that encrypts your data will be kept in the system keychain, so you will not need to type a passphrase.</source>
        <translation>加密数据的密钥将保存在系统钥匙串中，您无需输入密码短语。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>This system has no keychain to keep a key in, so you will choose a passphrase that encrypts your data.</source>
        <translation>此系统没有可保存密钥的钥匙串，因此您需要设置一个密码短语来加密数据。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Your data will be stored in: {0}</source>
        <translation>数据将保存在：{0}</translation>
    </message>
</context>
<context>
    <name>WelcomeWizard</name>
    <message>
        <location line="+224"/>
        <source>Set up crm-desktop</source>
        <translation>设置 crm-desktop</translation>
    </message>
    <message>
        <location line="+32"/>
        <source>Creating the encrypted store…</source>
        <translation>正在创建加密数据库…</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Loading demo data: {0} of {1} contacts…</source>
        <translation>正在加载演示数据：{0} / {1} 个联系人…</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Stopping after the current batch…</source>
        <translation>当前批次完成后停止…</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>The store could not be created: {0}</source>
        <translation>无法创建数据库：{0}</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Your store is ready.</source>
        <translation>数据库已就绪。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The demo data could not be loaded: {0}</source>
        <translation>无法加载演示数据：{0}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Demo loading was stopped: {0} contacts were loaded.</source>
        <translation>已停止加载演示数据：已加载 {0} 个联系人。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Demo data: {0} contacts, {1} companies, {2} deals.</source>
        <translation>演示数据：{0} 个联系人、{1} 家公司、{2} 个商机。</translation>
    </message>
</context>
</TS>
