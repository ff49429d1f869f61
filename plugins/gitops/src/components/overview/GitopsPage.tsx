import { Content, Header, Page } from '@backstage/core-components';
import { OverviewContent } from './OverviewContent';

/**
 * The Shipdeck on-call page for the legacy frontend system, with its own
 * header; the new frontend system's page renders `OverviewContent` directly.
 */
export function GitopsPage() {
  return (
    <Page themeId="tool">
      <Header
        title="Shipdeck"
        subtitle="What runs where, across every service"
      />
      <Content>
        <OverviewContent />
      </Content>
    </Page>
  );
}
