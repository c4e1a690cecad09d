import { Content, Header, Page } from '@backstage/core-components';
import { ReactNode } from 'react';

/** Every GPU Fleet page: one header, one content area. */
export const GpuFleetLayout = ({
  title,
  subtitle,
  children,
}: {
  title: string;
  subtitle?: string;
  children: ReactNode;
}) => (
  <Page themeId="tool">
    <Header title={title} subtitle={subtitle} pageTitleOverride={title} />
    <Content>{children}</Content>
  </Page>
);
