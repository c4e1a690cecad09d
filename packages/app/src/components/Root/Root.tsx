import { PropsWithChildren } from 'react';
import { makeStyles } from '@material-ui/core';
import HomeIcon from '@material-ui/icons/Home';
import CreateComponentIcon from '@material-ui/icons/AddCircleOutline';
import LogoFull from './LogoFull';
import LogoIcon from './LogoIcon';
import {
  Settings as SidebarSettings,
  UserSettingsSignInAvatar,
} from '@backstage/plugin-user-settings';
import {
  Sidebar,
  sidebarConfig,
  SidebarDivider,
  SidebarGroup,
  SidebarItem,
  SidebarPage,
  SidebarSpace,
  useSidebarOpenState,
  Link,
} from '@backstage/core-components';
import MenuIcon from '@material-ui/icons/Menu';
import { MyGroupsSidebarItem } from '@backstage/plugin-org';
import GroupIcon from '@material-ui/icons/People';
import MemoryIcon from '@material-ui/icons/Memory';
import DashboardIcon from '@material-ui/icons/Dashboard';
import BarChartIcon from '@material-ui/icons/BarChart';
import StorageIcon from '@material-ui/icons/Storage';
import AddToQueueIcon from '@material-ui/icons/AddToQueue';
import GroupWorkIcon from '@material-ui/icons/GroupWork';
import CloudUploadIcon from '@material-ui/icons/CloudUpload';
import { RequirePermission } from '@backstage/plugin-permission-react';
import { gpuFleetClusterAttachPermission } from '@gpu-fleet/plugin-gpu-fleet-common';

const useSidebarLogoStyles = makeStyles({
  root: {
    width: sidebarConfig.drawerWidthClosed,
    height: 3 * sidebarConfig.logoHeight,
    display: 'flex',
    flexFlow: 'row nowrap',
    alignItems: 'center',
    marginBottom: -14,
  },
  link: {
    width: sidebarConfig.drawerWidthClosed,
    marginLeft: 24,
  },
});

const SidebarLogo = () => {
  const classes = useSidebarLogoStyles();
  const { isOpen } = useSidebarOpenState();

  return (
    <div className={classes.root}>
      <Link to="/" underline="none" className={classes.link} aria-label="Home">
        {isOpen ? <LogoFull /> : <LogoIcon />}
      </Link>
    </div>
  );
};

export const Root = ({ children }: PropsWithChildren<{}>) => (
  <SidebarPage>
    <Sidebar>
      <SidebarLogo />
      <SidebarGroup label="Menu" icon={<MenuIcon />}>
        <SidebarItem icon={HomeIcon} to="catalog" text="Home" />
        <MyGroupsSidebarItem
          singularTitle="My Group"
          pluralTitle="My Groups"
          icon={GroupIcon}
        />
        <SidebarItem icon={CreateComponentIcon} to="create" text="Create..." />
      </SidebarGroup>
      <SidebarDivider />
      <SidebarGroup label="GPU Fleet" icon={<MemoryIcon />}>
        <SidebarItem icon={DashboardIcon} to="gpu-fleet" text="GPU Fleet" end />
        <SidebarItem
          icon={BarChartIcon}
          to="gpu-fleet/capacity"
          text="GPU capacity"
        />
        <SidebarItem
          icon={StorageIcon}
          to="gpu-fleet/clusters"
          text="Clusters"
        />
        <SidebarItem
          icon={GroupWorkIcon}
          to="gpu-fleet/workspaces"
          text="Workspaces"
        />
        <SidebarItem
          icon={CloudUploadIcon}
          to="gpu-fleet/deployments"
          text="Deployments"
        />
        {/* Only fleet admins may attach; others would meet a refusal. */}
        <RequirePermission
          permission={gpuFleetClusterAttachPermission}
          errorPage={<></>}
        >
          <SidebarItem
            icon={AddToQueueIcon}
            to="gpu-fleet/attach"
            text="Attach cluster"
          />
        </RequirePermission>
      </SidebarGroup>
      <SidebarSpace />
      <SidebarDivider />
      <SidebarGroup
        label="Settings"
        icon={<UserSettingsSignInAvatar />}
        to="/settings"
      >
        <SidebarSettings />
      </SidebarGroup>
    </Sidebar>
    {children}
  </SidebarPage>
);
