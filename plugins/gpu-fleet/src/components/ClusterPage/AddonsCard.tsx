import { InfoCard } from '@backstage/core-components';
import { List, ListItem, ListItemText, Typography } from '@material-ui/core';
import {
  addonCatalogue,
  Cluster,
  getProviderProfile,
} from '@gpu-fleet/plugin-gpu-fleet-common';

export const AddonsCard = ({ cluster }: { cluster: Cluster }) => {
  const profile = getProviderProfile(cluster.provider);
  return (
    <InfoCard title="Add-ons">
      {cluster.addons.length === 0 ? (
        <Typography color="textSecondary">
          The agent installs no add-ons on this cluster.
        </Typography>
      ) : (
        <List dense aria-label="Installed add-ons">
          {cluster.addons.map(id => (
            <ListItem key={id}>
              <ListItemText
                primary={addonCatalogue[id].title}
                secondary={addonCatalogue[id].description}
              />
            </ListItem>
          ))}
        </List>
      )}
      {profile.managedAddons.length > 0 && (
        <Typography variant="body2" color="textSecondary">
          Managed by {profile.title}:{' '}
          {profile.managedAddons
            .map(m => addonCatalogue[m.addon].title)
            .join(', ')}
          .
        </Typography>
      )}
    </InfoCard>
  );
};
