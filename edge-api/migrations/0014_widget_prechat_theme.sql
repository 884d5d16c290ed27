-- The widget's optional pre-chat form and its theme (issue 21). Every existing widget
-- keeps what it had: no form, the light theme.
ALTER TABLE widget_config ADD COLUMN prechat_enabled INTEGER NOT NULL DEFAULT 0;
ALTER TABLE widget_config ADD COLUMN prechat_require_name INTEGER NOT NULL DEFAULT 0;
ALTER TABLE widget_config ADD COLUMN prechat_require_email INTEGER NOT NULL DEFAULT 0;
ALTER TABLE widget_config ADD COLUMN theme TEXT NOT NULL DEFAULT 'light'
    CHECK (theme IN ('light', 'dark', 'auto'));
